import { Schema, arr, bool, int, nullable, num, obj, oneOfValues, page, position, ref, str, time, uuid } from '../openapi-schema';
import { ID, EXAMPLE_ID, TASK_ID, BATCH_ID, SOURCE_SYSTEMS, hash, stream } from './examples';
import { selected, datasetSummary, OperationResponse } from './fragments';
import { COMPONENT_SCHEMAS } from './components';

/** What the operations on the training data: active learning, corrections, datasets, examples, labeling, metrics answer (see index.ts). */
export const TRAINING_OPERATIONS: Readonly<Record<string, OperationResponse>> = {
  'POST /api/v2/ml-training/active-learning/run': {
    status: 201,
    description: "the week's batch (the same one on a second run) or a new top-up batch",
    schema: obj({
      batch_id: str(BATCH_ID),
      week: str('2026-W02'),
      created: bool(true, "false: the week's batch existed; it is answered as chosen"),
      top_up: bool(false, 'true: an extra batch beside the weekly one'),
      stream: stream(`active_learning_batch-${BATCH_ID}`),
      strategy: nullable(str('uncertainty_kcenter_v1', 'null: the pool was empty, nothing was chosen')),
      pool_size: int(40),
      selected: arr(selected),
      position: position(),
    }),
  },
  'POST /api/v2/ml-training/corrections': {
    status: 201,
    description: 'the correction recorded (read the example at `position` to see it applied)',
    errors: [404],
    schema: obj({ status: oneOfValues(['success']), message: str(`correction recorded for meter_reading ${ID}`), correction_id: uuid(), position: position() }),
  },
  'GET /api/v2/ml-training/datasets': { status: 200, description: 'a page of dataset versions, newest first', schema: page(datasetSummary) },
  'POST /api/v2/ml-training/datasets': {
    status: 201,
    description: 'the dataset version frozen',
    errors: [422],
    schema: obj({ dataset_id: uuid(), stream: stream('dataset-…'), name: str('week-10'), example_count: int(120), content_hash: hash(), created_at: time(), position: position() }),
  },
  'GET /api/v2/ml-training/datasets/{id}': {
    status: 200,
    description: 'the dataset version and its examples',
    errors: [404],
    schema: obj({
      ...datasetSummary.properties,
      examples: arr(obj({ example_id: str(EXAMPLE_ID), source_system: oneOfValues(SOURCE_SYSTEMS), image_sha256: hash(), label_hash: hash(), label_source: oneOfValues(['labeler', 'correction']) })),
    }),
  },
  'GET /api/v2/ml-training/datasets/{id}/export': { status: 200, description: 'a tar of `<example_id>.png` + `.gt.txt` pairs (tesstrain), or one JSON object per line (jsonl)', errors: [404, 422], media: ['application/x-tar', 'application/x-ndjson'] },
  'GET /api/v2/ml-training/examples': { status: 200, description: 'a page of training examples', schema: page(ref('TrainingExample')) },
  'GET /api/v2/ml-training/examples/{id}': {
    status: 200,
    description: 'the example with its features and labeling',
    errors: [404],
    schema: obj(
      {
        ...(COMPONENT_SCHEMAS.TrainingExample.properties as Record<string, Schema>),
        features: nullable(arr(num(), [0.12, 0.4, 0.33])),
        phash: nullable(str('c3a1f0e07c3e1f00')),
        correction_count: int(1),
        correction_ids: arr(uuid()),
        task_id: nullable(str(TASK_ID)),
        batch_id: nullable(str(BATCH_ID)),
        labeler_id: nullable(str('labeler-1')),
      },
      ['erased'],
    ),
  },
  'GET /api/v2/ml-training/examples/{id}/image': { status: 200, description: 'the photo', errors: [404], media: ['image/png', 'image/jpeg'] },
  'GET /api/v2/ml-training/labeling-backlog': {
    status: 200,
    description: 'a page of open tasks and the counts',
    schema: obj({
      items: arr(
        obj({
          task_id: str(TASK_ID),
          example_id: str(EXAMPLE_ID),
          batch_id: str(BATCH_ID),
          source_system: oneOfValues(SOURCE_SYSTEMS),
          priority: num(0.9),
          rank: int(1),
          status: oneOfValues(['open', 'claimed']),
          claimed_by: nullable(str('labeler-1')),
          lease_expires_at: nullable(time()),
          created_at: time(),
        }),
      ),
      next_cursor: nullable(str('eyJwIjo0Mn0')),
      counts: ref('BacklogCounts'),
    }),
  },
  'POST /api/v2/ml-training/labeling-tasks/{id}/claim': { status: 200, description: 'the task, claimed by you until `lease_expires_at`', errors: [404, 409], schema: ref('LabelingTask') },
  'POST /api/v2/ml-training/labeling-tasks/{id}/release': { status: 200, description: 'the task, open again', errors: [404, 409], schema: ref('LabelingTask') },
  'POST /api/v2/ml-training/labeling-tasks/{id}/skip': { status: 200, description: 'the task, skipped', errors: [404, 409], schema: ref('LabelingTask') },
  'POST /api/v2/ml-training/labeling-tasks/{id}/submit': { status: 200, description: 'the task, completed with its label', errors: [404, 409], schema: ref('LabelingTask') },
  'GET /api/v2/ml-training/metrics': {
    status: 200,
    description: "the tenant's training-data figures",
    schema: obj({
      captured_per_day: arr(obj({ day: str('2026-03-02'), count: int(4) })),
      corrections_last_7_days: int(3),
      readings_per_day: arr(obj({ day: str('2026-03-02'), count: int(40) })),
      labeling_backlog: int(12),
      oldest_open_task_age_hours: nullable(num(30.5)),
      alerts: arr(
        obj({
          type: str('capture_stalled'),
          severity: oneOfValues(['warning']),
          message: str(),
          raised_at: time(),
          last_capture_at: nullable(time()),
          last_reading_at: nullable(time()),
          readings_since_capture: int(120),
        }),
      ),
      as_of: time(),
      position: position(),
    }),
  },
};

import { Schema, arr, asStored, bool, int, map, nullable, num, obj, oneOfValues, page, position, ref, str, time, uuid } from './openapi-schema';

/*
 * What every operation answers, for `/api/docs` and docs/API.md: the success's schema (snake_case,
 * as on the wire) and the error codes the operation can answer beyond the ones its kind always can
 * (see commonErrors in openapi-operations.ts). Kept beside the summaries rather than on the
 * controllers, which stay about behaviour; the e2e suites hold every real answer they receive to
 * these schemas (test/support/openapi-check.ts), and a test holds every operation to having one.
 */

const HASH = 'bb1b472d1775d7b4f504f0e61ddea539b555699a56c6641dc5487c89915d9a4a';
const ID = '6083801e-c1aa-45b3-a05d-17c8c4c47131';
const EXAMPLE_ID = 'mr_7d188cfd-edab-4ebc-94a2-1d0e27effa6a';
const TASK_ID = 'lt_5e94751867c772cc1322a325';
const BATCH_ID = 'acme.2026-W02';
const VERSION = 'v20260302_030000';
const AT = '2026-03-02T03:00:00.000Z';
const SOURCE_SYSTEMS = ['meter_reading', 'vehicle_entry'];
const ENGINES = ['paddle', 'tesseract', 'ensemble'];
const hash = (example = HASH) => str(example);
const stream = (example: string) => str(example, 'the event stream written (see the README for stream names)');
/** A personal text (plate, OCR text of an entry): null once its subject is erased. */
const personal = (example: string) => nullable(str(example, 'personal data: null once erased'));
/** Set (true) on an object whose personal fields were erased. */
const ERASED = { erased: bool(true, 'present (true) when personal fields of this object were erased') };

const classScores = obj({ precision: num(0.64), recall: num(1), f1: num(0.78), support: int(70) });
const confusion = arr(arr(int()), [
  [70, 0],
  [40, 1],
]);

/** Shared schemas, registered under components.schemas and referenced by name. */
export const COMPONENT_SCHEMAS: Record<string, Schema> = {
  Error: obj(
    {
      status_code: int(404),
      error: str('Not Found'),
      message: str('training example 6083801e-c1aa-45b3-a05d-17c8c4c47131 not found'),
      details: asStored('what the error is about: `fields` names the inputs that failed (input name → messages), `rule` the rule that refused', { fields: { limit: ['limit must not be greater than 500'] } }),
    },
    ['details'],
    'Every error answer.',
  ),
  Correction: obj({
    correction_id: uuid(),
    corrected_text: personal('CL1000'),
    correction_type: oneOfValues(['OCR_ERROR', 'WRONG_READING']),
    previous_text: personal('CL1O00'),
    corrected_by: str('guard-1'),
    submitted_at: time(),
    ...ERASED,
  }, ['erased']),
  Holdout: obj({ train_from: time('2026-02-09T04:12:23.319Z'), train_to: time('2026-02-24T23:39:18.316Z'), test_from: time('2026-02-25T00:50:48.312Z'), test_to: time('2026-03-01T02:19:55.509Z') }),
  HoldoutMetrics: obj(
    {
      roc_auc: nullable(num(0.6547)),
      accuracy: num(0.6396),
      threshold: num(0.5),
      precision: num(1),
      recall: num(0.0244),
      f1: num(0.0476),
      per_class: obj({ negative: classScores, positive: classScores }),
      confusion_matrix: confusion,
      samples: int(111),
      positives: int(41),
    },
    ['per_class', 'confusion_matrix'],
    'Figures on the holdout rows both models were scored on.',
  ),
  DeLong: obj({ auc_difference: num(0.3359), standard_error: num(0.0826), ci95: arr(num(), [0.174, 0.4977]), p_value: num(0.0000237) }, [], "DeLong's test of candidate vs baseline on the same holdout (one-sided)."),
  Evaluation: obj(
    {
      model_type: str('conflict_predictor'),
      version: str(VERSION),
      evaluation_id: str(`retrain:conflict_predictor:${AT}:evaluation`),
      holdout_rows_blob_hash: hash(),
      holdout: ref('Holdout'),
      candidate: obj({ version: str(VERSION), metrics: ref('HoldoutMetrics') }),
      baseline: obj({ version: str('heuristic_v1'), metrics: ref('HoldoutMetrics'), active_version: nullable(str()), note: nullable(str()) }),
      delong: nullable(ref('DeLong')),
      at: time(AT),
    },
    ['delong'],
  ),
  AccuracyFigure: obj({ version: str(VERSION), correct: int(80), total: int(100), accuracy: nullable(num(0.8)), from_ms: int(1772420400000), to_ms: int(1772506800000) }),
  RuleFailure: obj({ rule: str('min_improvement'), reason: str('test ROC-AUC 0.61 vs 0.60 for v20260223_030000 (+1.6% relative) <= 5.0%') }),
  ModelVersion: obj(
    {
      model_type: str('conflict_predictor'),
      version: str(VERSION),
      kind: oneOfValues(['trained', 'registered']),
      status: oneOfValues(['candidate', 'active', 'inactive', 'rejected', 'rolled_back']),
      created_at: time(AT),
      algorithm: nullable(str('logistic_regression')),
      metrics: nullable(
        obj(
          {
            train_roc_auc: nullable(num(0.6828)),
            test_roc_auc: nullable(num(0.8037)),
            test_accuracy: num(0.6577),
            threshold: num(0.5),
            precision: num(0.52),
            recall: num(0.25),
            f1: num(0.3377),
            per_class: obj({ negative: classScores, positive: classScores }),
            confusion_matrix: confusion,
            train_samples: int(596),
            test_samples: int(149),
            train_positives: int(200),
            test_positives: int(52),
            solver_iterations: int(5),
            converged: bool(true),
          },
          ['per_class', 'confusion_matrix', 'solver_iterations', 'converged'],
          'training figures of a trained version (null for a registered one)',
        ),
      ),
      feature_names: arr(str(), ['concurrent_editors', 'hours_since_last_sync', 'user_conflict_rate', 'entity_edit_frequency', 'field_overlap_score']),
      feature_definition: int(2),
      scaler: nullable(obj({ mean: arr(num()), scale: arr(num()) })),
      coefficients: nullable(arr(num(), [0, -0.427, -0.153, -0.106, 0])),
      intercept: nullable(num(-0.0359)),
      holdout: nullable(ref('Holdout')),
      training_window: nullable(obj({ from: time('2025-12-02T03:00:00.000Z'), to: time(AT), days_back: int(90) })),
      row_count: nullable(int(745)),
      training_ms: nullable(num(14.5)),
      trigger: nullable(oneOfValues(['manual', 'retraining'])),
      model_blob_hash: hash(),
      training_rows_blob_hash: nullable(hash('71582abe5ec0af8044f39dd0ae6fefc7c5d0feb8aca60852c06347aabf46b928')),
      signature: nullable(
        obj(
          {
            input_name: str('float_input'),
            input_shape: arr({ oneOf: [int(), str()] }, ['N', 5]),
            probability_output: str('probabilities'),
            probability_columns: { type: 'integer', enum: [1, 2], example: 2 },
            output_names: arr(str(), ['label', 'probabilities']),
            size_bytes: int(1024),
            file_name: nullable(str('model.onnx')),
          },
          [],
          'what the uploaded ONNX file was validated to be (registered versions)',
        ),
      ),
      last_evaluation: nullable(
        obj({ evaluation_id: str(), at: time(AT), holdout: ref('Holdout'), candidate: obj({ version: str(VERSION), metrics: ref('HoldoutMetrics') }), baseline: obj({ version: str('heuristic_v1'), metrics: ref('HoldoutMetrics'), active_version: nullable(str()), note: nullable(str()) }), delong: nullable(ref('DeLong')) }),
      ),
      last_rejection: nullable(obj({ evaluation_id: str(), at: time(AT), failures: arr(ref('RuleFailure')), reason: str(), active_version: nullable(str()) })),
      activated_at: nullable(time(AT)),
      deactivated_at: nullable(time()),
    },
    [],
    'A model version with its metrics and, for trained ones, the fitted parameters.',
  ),
  ActiveModel: obj({
    model_type: str('conflict_predictor'),
    version: nullable(str(VERSION, 'null: no model active (predictions use heuristic_v1)')),
    activated_at: nullable(time(AT)),
    activated_by: nullable(str('saga:retraining')),
    reason: nullable(str('auto-activated: test ROC-AUC 0.6547 vs 0.3188 for heuristic_v1 (+105.4% relative) > 5.0%')),
    cause: nullable(oneOfValues(['manual', 'auto', 'rollback'])),
    previous_version: nullable(str()),
  }),
  ModelHistoryEntry: {
    description: 'One lifecycle event of a model type; its fields depend on `type`.',
    oneOf: [
      history('ModelEvaluated', {
        evaluation_id: str(),
        holdout: ref('Holdout'),
        candidate: obj({ version: str(VERSION), metrics: ref('HoldoutMetrics') }),
        baseline: obj({ version: str('heuristic_v1'), metrics: ref('HoldoutMetrics'), active_version: nullable(str()), note: nullable(str()) }),
        delong: nullable(ref('DeLong')),
      }),
      history('ModelActivated', { cause: oneOfValues(['manual', 'auto', 'rollback']), previous_version: nullable(str()) }),
      history('ModelDeactivated', { replaced_by: nullable(str()) }),
      history('ModelActivationRejected', { failures: arr(ref('RuleFailure')), active_version: nullable(str()) }),
      history('ModelRolledBack', { from_version: str(VERSION), to_version: nullable(str()), candidate: ref('AccuracyFigure'), predecessor: ref('AccuracyFigure') }),
      history('ModelActivationReviewed', { outcome: oneOfValues(['kept', 'insufficient_sample']), candidate: ref('AccuracyFigure'), predecessor: ref('AccuracyFigure') }),
    ],
  },
  ModelAction: obj({
    model_type: str('conflict_predictor'),
    version: str(VERSION),
    active: bool(true, 'this version is the active one now'),
    active_version: nullable(str(VERSION)),
    activated_at: nullable(time(AT)),
    activated_by: nullable(str('eng-1')),
    reason: nullable(str('outside model for the comparison')),
    changed: bool(true, 'false: the registry was already so, nothing was appended'),
    events: arr(str(), ['ModelDeactivated', 'ModelActivated']),
    position: position(),
  }),
  TrainingExample: obj(
    {
      example_id: str(EXAMPLE_ID),
      source_system: oneOfValues(SOURCE_SYSTEMS),
      source_id: uuid(ID),
      status: oneOfValues(['captured', 'corrected', 'queued', 'labeled']),
      uncertainty_score: num(0.4),
      confidence: nullable(num(0.6)),
      raw_text: personal('00731.0'),
      ground_truth_text: personal('00781.0'),
      corrected: bool(true),
      correction_type: nullable(oneOfValues(['OCR_ERROR', 'WRONG_READING'])),
      label: personal('00781.0'),
      skips: int(0, 'times a labeling task of this example was skipped'),
      engine: nullable(str('paddle-ppocrv4')),
      engine_name: nullable(oneOfValues(ENGINES)),
      image_hash: nullable(hash()),
      created_at: time(),
      updated_at: time(),
      ...ERASED,
    },
    ['erased'],
  ),
  Calibration: obj({
    calibration_id: str('5ad0e8b1-8f0e-4a57-a4a6-3a0a9e3b8d11'),
    engine: oneOfValues(ENGINES),
    engine_version: str('ppocrv4'),
    mode: oneOfValues(['meter', 'plate']),
    method: oneOfValues(['isotonic', 'platt']),
    map: {
      description: 'the fitted map from engine score to confidence; `unit` says whether it was fitted on whole readings or single characters',
      oneOf: [
        obj({ method: oneOfValues(['isotonic']), scores: arr(num(), [0.2, 0.6, 0.9]), probabilities: arr(num(), [0.1, 0.55, 0.97]), unit: oneOfValues(['reading', 'character']) }, ['unit']),
        obj({ method: oneOfValues(['platt']), a: num(-6.1), b: num(3.2), unit: oneOfValues(['reading', 'character']) }, ['unit']),
      ],
    },
    source: oneOfValues(['development_set', 'flywheel'], 'flywheel'),
    in_force: bool(true),
    sample_count: int(240),
    positives: int(180),
    flywheel_samples: int(120),
    flywheel_positives: int(90),
    development_samples: int(120),
    cross_validated: obj({ ece: num(0.03), log_loss: nullable(num(0.41)), auroc: nullable(num(0.88)), folds: int(5) }),
    labels_through: nullable(obj({ position: position(), at: time() })),
    fitted_by: str('eng-1'),
    fitted_at: time(),
    event_id: str(),
    position: position(),
  }),
  PredictionLogItem: obj({
    prediction_id: uuid(),
    model_type: str('conflict_predictor'),
    model_version: str(VERSION),
    probability: num(0.72),
    risk_level: oneOfValues(['low', 'medium', 'high'], 'high'),
    recommendation: str('review before syncing'),
    features_used: map(nullable(num()), { concurrent_editors: 2, hours_since_last_sync: 30 }, 'feature name → value'),
    user_id: str('guard-1'),
    entity_type: str('work_order'),
    entity_id: str('wo-17'),
    device_id: str('tablet-3'),
    fields: arr(str(), ['status']),
    sync_id: nullable(str()),
    predicted_at: time(),
    outcome: oneOfValues(['pending', 'correct', 'incorrect']),
    conflict_occurred: nullable(bool()),
    outcome_recorded_at: nullable(time()),
  }),
  AuditEvent: obj(
    {
      event_id: uuid(),
      stream: str(`reading-${ID}`),
      position: position(),
      revision: int(0),
      type: str('MeterReadingRecorded'),
      data: asStored('the event data exactly as stored (camelCase)', { readingId: ID, assetId: 'm1' }),
      metadata: asStored('the event metadata exactly as stored (camelCase)', { tenantId: 'acme', actorId: 'guard-1', occurredAt: AT }),
      recorded_at: time(),
    },
    [],
    'An event exactly as stored, in a snake_case envelope.',
  ),
  ParkedEvent: obj({ position: position(), event_type: str('MeterReadingRecorded'), error: str('projection failed'), attempts: int(5), parked_at: time(), decision: nullable(oneOfValues(['retry', 'skip'])) }),
  BacklogCounts: obj({ tenant_id: str('acme'), total: int(12), open: int(10), claimed: int(2), by_source_system: obj({ meter_reading: int(7), vehicle_entry: int(5) }) }),
  LabelingTask: obj(
    {
      task_id: str(TASK_ID),
      example_id: nullable(str(EXAMPLE_ID)),
      status: oneOfValues(['open', 'claimed', 'completed', 'skipped']),
      claimed_by: nullable(str('labeler-1')),
      lease_expires_at: nullable(time()),
      label: personal('00781.0'),
      position: position(),
      ...ERASED,
    },
    ['label', 'erased'],
  ),
  RetentionRun: obj({
    run_id: uuid(),
    photos_days: nullable(int(30)),
    plates_days: nullable(int(90)),
    photos_cutoff: nullable(time()),
    plates_cutoff: nullable(time()),
    entries_expired: int(3),
    photos_deleted: int(3),
    photos_failed: int(0),
    photos_kept_in_use: int(0),
    subjects_erased: int(1),
    ran_by: str('ops-1'),
    ran_at: time(),
  }),
  PlateFormats: obj({
    configured: arr(str(), ['DE', 'LLDDDD']),
    learned: arr(obj({ format: str('NL'), share: num(0.4) })),
    in_force: arr(obj({ format: str('DE'), layout: str('LLL-LLDDDD'), source: oneOfValues(['configured', 'learned']), weight: num(1) })),
  }),
  SyncConflict: obj(
    {
      conflict_id: uuid(),
      sync_id: uuid(),
      resolution_type: oneOfValues(['manual', 'client_wins', 'server_wins', 'merged', 'discarded'], 'server_wins'),
      fields: arr(str(), ['status']),
      resolved_at: time(),
      position: position(),
    },
    ['fields'],
  ),
  RetentionSettings: obj({
    photos_days: nullable(int(30, "the tenant's override (null: the default)")),
    plates_days: nullable(int(90, "the tenant's override (null: the default)")),
    defaults: obj({ photos_days: nullable(int(90)), plates_days: nullable(int(365)) }),
    in_force: obj({ photos_days: nullable(int(30)), plates_days: nullable(int(90)) }),
    last_run: nullable(ref('RetentionRun')),
  }),
};

function history(type: string, details: Record<string, Schema>): Schema {
  return obj({
    event_id: uuid(),
    type: oneOfValues([type]),
    model_type: str('conflict_predictor'),
    version: str(VERSION),
    at: time(AT),
    by: str('saga:retraining'),
    reason: nullable(str()),
    position: position(),
    ...details,
  });
}

const meterReadingRecorded = obj({
  reading_id: uuid(ID),
  stream: stream(`reading-${ID}`),
  asset_id: str('m1'),
  value: nullable(num(731, 'the reading as a number (null when the text is not one)')),
  unit: nullable(str('kWh')),
  raw_text: str('00731.0'),
  confidence: num(0.99, 'calibrated: the probability the reading is right'),
  captured_for_training: bool(false, 'true: below the confidence threshold, a training example is made'),
  position: position(),
});

const vehicleEntryRecorded = obj(
  {
    entry_id: uuid(ID),
    stream: stream(`entry-${ID}`),
    gate_id: str('north'),
    plate: personal('CL1000'),
    raw_text: personal('CL1000'),
    plate_format: nullable(str('DE')),
    confidence: num(0.6),
    captured_for_training: bool(true),
    position: position(),
    ...ERASED,
  },
  ['erased'],
);

const readingCommon = {
  raw_text: personal('00731.0'),
  confidence: num(0.99),
  score: num(0.97, "the engine's own score"),
  calibration_id: nullable(str(undefined, 'the calibration that made `score` into `confidence` (null: none)')),
  engine_name: oneOfValues(ENGINES),
  captured_for_training: bool(false),
  image_hash: hash(),
  engine: str('paddle-ppocrv4'),
  recorded_by: str('guard-1'),
  recorded_at: time(),
  updated_at: time(),
  corrected_text: personal('00781.0'),
  corrections: arr(ref('Correction')),
  ...ERASED,
};

const featureMap = map(nullable(num()), { concurrent_editors: 2, hours_since_last_sync: 30.5, user_conflict_rate: 0.2 }, 'feature name → value');

const selected = obj({
  example_id: str(EXAMPLE_ID),
  task_id: str(TASK_ID),
  source_system: oneOfValues(SOURCE_SYSTEMS),
  uncertainty_score: num(0.42),
  diversity_distance: num(0.31),
  is_correction: bool(false),
  rank: int(1),
  priority: num(0.9),
});

const datasetSummary = obj({ dataset_id: uuid(), name: str('week-10'), source_system: nullable(oneOfValues(SOURCE_SYSTEMS)), example_count: int(120), content_hash: hash(), created_at: time(), created_by: str('eng-1') });

const projectionStatus = obj({
  name: str('readings'),
  version: int(2),
  checkpoint: position(),
  lag: int(0),
  status: oneOfValues(['live', 'catching_up', 'rebuilding', 'stalled', 'stopped']),
  collections: arr(str(), ['readings__v2_g1']),
  building: nullable(obj({ version: int(3), generation: int(1), checkpoint: position() })),
  last_rebuild: nullable(obj({ at: time(), events: int(1200), seconds: num(1.4) })),
  parked: arr(ref('ParkedEvent')),
});

const sagaStatus = obj({ name: str('capture'), checkpoint: position(), failures: int(0), last_error: nullable(str()), parked: arr(ref('ParkedEvent')) });

/** A store's check: `error` only when it is down. */
const storeCheck = (kind: string, extra: Record<string, Schema> = {}): Schema => ({
  ...obj({ kind: str(kind), status: oneOfValues(['up', 'down']), ...extra, error: str('connection refused') }, ['error', ...Object.keys(extra)]),
  example: { kind, status: 'up', ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, v.example])) },
});

const health = obj({
  status: oneOfValues(['ok', 'standby', 'degraded']),
  role: oneOfValues(['leader', 'standby', 'stopped'], 'leader'),
  ready: bool(true),
  event_store: storeCheck('sqlite', { head_position: position() }),
  read_store: storeCheck('sqlite'),
  projections: arr(obj({ name: str('readings'), status: str('live'), lag: int(0) })),
});

export interface OperationResponse {
  /** The success status and what it means. */
  readonly status: number;
  readonly description: string;
  /** The JSON body's schema; absent when the body is not JSON (`media`). */
  readonly schema?: Schema;
  /** A body other than JSON (an image, CSV, an archive, Prometheus text). */
  readonly media?: readonly string[];
  /** Other answers that are not errors (a repeat answering 200, /health's 503). */
  readonly also?: Readonly<Record<number, { readonly description: string; readonly schema: Schema }>>;
  /** Error codes beyond the ones its kind of operation always can answer (commonErrors). */
  readonly errors?: readonly number[];
}

/** Keyed by method and OpenAPI path, like OPERATION_SUMMARIES. */
export const OPERATION_RESPONSES: Readonly<Record<string, OperationResponse>> = {
  'PUT /api/v2/assets/{asset_id}/counter': { status: 200, description: 'the counter now declared', schema: obj({ asset_id: str('m1'), digits: int(6), decimals: int(1) }) },
  'POST /api/v2/assets/{asset_id}/replaced': { status: 201, description: 'the replacement recorded', schema: obj({ asset_id: str('m1'), replaced_at: time() }) },
  'GET /api/v2/audit/events': { status: 200, description: 'a page of events in log order', schema: page(ref('AuditEvent')) },
  'GET /api/v2/audit/models/{model_type}/as-of': {
    status: 200,
    description: 'the registry replayed up to `at`',
    errors: [404],
    schema: obj({
      model_type: str('conflict_predictor'),
      at: time(AT),
      version: nullable(str(VERSION)),
      activated_at: nullable(time(AT)),
      activated_by: nullable(str('saga:retraining')),
      reason: nullable(str()),
      cause: nullable(oneOfValues(['manual', 'auto', 'rollback'])),
      previous_version: nullable(str()),
      activation_event_id: nullable(uuid()),
      activation_position: nullable(position()),
      last_deactivation: nullable(obj({ event_id: uuid(), position: position(), version: str(VERSION), deactivated_by: str('eng-1'), reason: str(), at: time() })),
      events_replayed: int(4),
      versions_known: int(2),
    }),
  },
  'GET /api/v2/audit/streams/{stream}/events': { status: 200, description: "a page of the stream's events; `next_cursor` is a revision", errors: [404], schema: page(ref('AuditEvent')) },
  'GET /api/v2/audit/streams/{stream}/verify': {
    status: 200,
    description: 'the result of recomputing the chain',
    errors: [404],
    schema: obj({ stream: str(`reading-${ID}`), valid: bool(true), events_checked: int(3), first_broken_revision: nullable(int()), reason: nullable(str()) }),
  },
  'POST /api/v2/meter-readings': { status: 201, description: 'the reading recorded (or, for a retried Idempotency-Key, the first answer)', errors: [422, 503], schema: meterReadingRecorded },
  'GET /api/v2/meter-readings/{id}': {
    status: 200,
    description: 'the reading with its corrections',
    errors: [404],
    schema: obj({ reading_id: uuid(ID), asset_id: nullable(str('m1')), value: nullable(num(731)), unit: nullable(str()), text: str('731'), ...readingCommon }, ['erased']),
  },
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
  'GET /api/v2/ml/accuracy': {
    status: 200,
    description: 'accuracy over the window (null: no closed predictions in it)',
    schema: obj({
      model_type: str('conflict_predictor'),
      model_version: nullable(str(VERSION)),
      accuracy: nullable(num(0.82)),
      correct: int(82),
      sample_size: int(100),
      window_days: int(7),
      alert: bool(false),
      alert_below: num(0.7),
      alert_min_samples: int(50),
    }),
  },
  'GET /api/v2/ml/accuracy/daily': { status: 200, description: 'one row per day and model version, oldest first', schema: arr(obj({ day: str('2026-03-02'), model_version: str(VERSION), correct: int(41), total: int(50) })) },
  'POST /api/v2/ml/conflict-predictions': {
    status: 201,
    description: 'the prediction recorded (a retried Idempotency-Key answers the first one)',
    errors: [503],
    schema: obj({
      prediction_id: uuid(),
      probability: num(0.72),
      risk_level: oneOfValues(['low', 'medium', 'high'], 'high'),
      recommendation: str('review before syncing'),
      model_type: str('conflict_predictor'),
      model_version: str(VERSION),
      features_used: featureMap,
      sync_id: nullable(str()),
      predicted_at: time(),
      stream: stream('prediction-…'),
      position: position(),
    }),
  },
  'GET /api/v2/ml/models': { status: 200, description: 'a page of versions, newest first', schema: page(ref('ModelVersion')) },
  'POST /api/v2/ml/models': { status: 201, description: 'the version registered (never activated)', errors: [422], schema: withFields('ModelVersion', { stream: stream('model-conflict_predictor'), position: position() }) },
  'GET /api/v2/ml/models/active': { status: 200, description: 'the active version (`version` null: none)', schema: ref('ActiveModel') },
  'GET /api/v2/ml/models/history': { status: 200, description: 'a page of lifecycle events, oldest first', schema: page(ref('ModelHistoryEntry')) },
  'POST /api/v2/ml/models/retrain': {
    status: 201,
    description: 'what the run decided, with its evaluation and timings',
    errors: [409, 422, 503],
    schema: obj({
      model_type: str('conflict_predictor'),
      version: str(VERSION),
      decision: oneOfValues(['activated', 'rejected']),
      repeated: bool(false, 'true: this run was decided before; its first decision is answered'),
      reason: str('auto-activated: test ROC-AUC 0.6547 vs 0.3188 for heuristic_v1 (+105.4% relative) > 5.0%'),
      failures: arr(ref('RuleFailure')),
      previous_version: nullable(str()),
      evaluation: nullable(ref('Evaluation')),
      timings: obj({ extract_ms: num(216), fit_ms: num(3105.6), export_and_store_ms: num(259), evaluate_ms: num(849) }),
      position: position(),
    }),
  },
  'POST /api/v2/ml/models/rollback-check': {
    status: 201,
    description: 'what the review found: `version` and `due_at` when not due yet; `events` and `position` when it reviewed',
    schema: obj(
      {
        status: oneOfValues(['no_active_model', 'already_reviewed', 'not_due', 'reviewed']),
        version: str(VERSION),
        due_at: time(),
        events: arr(str(), ['ModelActivationReviewed']),
        position: position(),
      },
      ['version', 'due_at', 'events', 'position'],
    ),
  },
  'POST /api/v2/ml/models/train': {
    status: 201,
    description: 'the version trained (a candidate; never activated)',
    errors: [422, 503],
    schema: withFields('ModelVersion', { stream: stream('model-conflict_predictor'), timings: obj({ extract_ms: num(59), fit_ms: num(14.5), export_and_store_ms: num(60) }), position: position() }),
  },
  'GET /api/v2/ml/models/{version}': { status: 200, description: 'the version', errors: [404], schema: ref('ModelVersion') },
  'POST /api/v2/ml/models/{version}/activate': { status: 200, description: 'the activation (`changed` false: it was active already)', errors: [404, 409], schema: ref('ModelAction') },
  'POST /api/v2/ml/models/{version}/deactivate': { status: 200, description: 'the deactivation (`changed` false: it was not active)', errors: [404, 409], schema: ref('ModelAction') },
  'GET /api/v2/ml/models/{version}/training-data': { status: 200, description: 'CSV of the rows the version was trained and evaluated on', errors: [404], media: ['text/csv'] },
  'GET /api/v2/ml/predictions': { status: 200, description: 'a page of predictions, newest first', schema: page(ref('PredictionLogItem')) },
  'POST /api/v2/ml/predictions/outcomes/sweep': { status: 200, description: 'how many predictions were closed', schema: obj({ closed: int(12), conflicts: int(3), position: position() }) },
  'GET /api/v2/ml/predictions/{id}': { status: 200, description: 'the prediction with its outcome', errors: [404], schema: ref('PredictionLogItem') },
  'GET /api/v2/ocr/calibrations': {
    status: 200,
    description: 'the calibrations in force and a page of the history, newest first',
    schema: obj({ current: arr(ref('Calibration')), items: arr(ref('Calibration')), next_cursor: nullable(str('eyJwIjo0Mn0')) }),
  },
  'POST /api/v2/ocr/calibrations/fit': { status: 201, description: 'the calibration now in force (`created` false: the labels had not changed)', errors: [422, 503], schema: withFields('Calibration', { created: bool(true) }) },
  'GET /api/v2/ocr/calibrations/{id}': { status: 200, description: 'the calibration', errors: [404], schema: ref('Calibration') },
  'GET /api/v2/ocr/plate-formats': { status: 200, description: 'the formats configured, learned and in force', schema: ref('PlateFormats') },
  'PUT /api/v2/ocr/plate-formats': { status: 200, description: 'the formats now in force (as GET answers them)', schema: ref('PlateFormats') },
  'GET /api/v2/ops/projections': {
    status: 200,
    description: 'every projection and saga',
    schema: obj({ items: arr(projectionStatus), next_cursor: nullable(str()), sagas: arr(sagaStatus) }),
  },
  'POST /api/v2/ops/projections/{name}/parked/{position}/{decision}': {
    status: 200,
    description: 'the decision recorded; the runner acts on it',
    errors: [404],
    schema: obj({ name: str('readings'), handler: str('projection:readings'), position: position(), decision: oneOfValues(['retry', 'skip']), decided_by: str('ops-1'), decided_at: time(), event_position: position() }),
  },
  'POST /api/v2/ops/projections/{name}/rebuild': { status: 202, description: 'the rebuild requested; it runs beside the live generation', errors: [404], schema: obj({ name: str('readings'), status: oneOfValues(['rebuild_requested']) }) },
  'POST /api/v2/privacy/erasures': {
    status: 201,
    description: "the subject's keys and photos erased, with the subjects linked to it by a correction or label (erased with it)",
    errors: [404],
    schema: obj({ erasure_id: uuid(), subject_id: str('5f0c…'), linked_subject_ids: arr(str(), ['9a41…']), erased_at: time(), position: position() }),
  },
  'GET /api/v2/privacy/retention': { status: 200, description: 'overrides, defaults, what is in force and the last run', schema: ref('RetentionSettings') },
  'PUT /api/v2/privacy/retention': { status: 200, description: 'the settings now (as GET answers them)', schema: ref('RetentionSettings') },
  'POST /api/v2/privacy/retention/run': { status: 201, description: 'what the run expired and erased', schema: withFields('RetentionRun', { position: position() }) },
  'POST /api/v2/sync/conflicts': {
    status: 201,
    description: 'the conflict recorded',
    errors: [404, 409],
    also: { 200: { description: 'a repeat of a recorded conflict: the first one, nothing appended', schema: ref('SyncConflict') } },
    schema: ref('SyncConflict'),
  },
  'POST /api/v2/sync/events': { status: 201, description: 'the sync recorded (a repeat of the same sync answers it again)', errors: [409], schema: obj({ sync_id: uuid(), synced_at: time(), position: position() }) },
  'GET /api/v2/sync/features': {
    status: 200,
    description: 'the features at `at`',
    schema: obj({ user_id: str('guard-1'), entity_type: str('work_order'), entity_id: str('wo-17'), fields: arr(str(), ['status']), at: time(), feature_definition: int(2), features: featureMap }),
  },
  'POST /api/v2/vehicle-entries': { status: 201, description: 'the entry recorded (or, for a retried Idempotency-Key, the first answer)', errors: [422, 503], schema: vehicleEntryRecorded },
  'GET /api/v2/vehicle-entries/{id}': {
    status: 200,
    description: 'the entry with its corrections',
    errors: [404],
    schema: obj({ entry_id: uuid(ID), gate_id: nullable(str('north')), plate: personal('CL1000'), ...readingCommon }, ['erased']),
  },
  'GET /health': { status: 200, description: 'ready', schema: health, also: { 503: { description: 'not ready (starting, or a store is down): the same body', schema: health } } },
  'GET /metrics': { status: 200, description: 'Prometheus text exposition', media: ['text/plain'] },
};

/** A shared schema with more fields (an answer that adds `stream` and `position` to a version): one closed object. */
function withFields(name: string, more: Record<string, Schema>): Schema {
  const base = COMPONENT_SCHEMAS[name];
  return { ...obj({ ...base.properties, ...more }, Object.keys(base.properties ?? {}).filter((k) => !(base.required ?? []).includes(k))), description: `${base.description ? `${base.description} ` : ''}With ${Object.keys(more).map((k) => `\`${k}\``).join(', ')}.` };
}

import { arr, bool, int, nullable, num, obj, oneOfValues, page, position, ref, str, time, uuid } from '../openapi-schema';
import { ID, VERSION, AT, personal } from './examples';
import { meterReadingRecorded, vehicleEntryRecorded, featureMap, readingCommon, projectionStatus, sagaStatus, health, OperationResponse } from './fragments';
import { withFields } from './components';

/** What the operations on assets, audit, readings and entries, sync, ops, privacy, health and metrics answer (see index.ts). */
export const RECORD_OPERATIONS: Readonly<Record<string, OperationResponse>> = {
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

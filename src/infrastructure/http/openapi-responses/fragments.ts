import { Schema, arr, bool, int, map, nullable, num, obj, oneOfValues, position, ref, str, time, uuid } from '../openapi-schema';
import { ID, EXAMPLE_ID, TASK_ID, SOURCE_SYSTEMS, ENGINES, hash, stream, personal, ERASED } from './examples';

/** Schemas several operations answer in part (not registered as components), and the shape of an answer. */
export const meterReadingRecorded = obj({
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

export const vehicleEntryRecorded = obj(
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

export const readingCommon = {
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

export const featureMap = map(nullable(num()), { concurrent_editors: 2, hours_since_last_sync: 30.5, user_conflict_rate: 0.2 }, 'feature name → value');

export const selected = obj({
  example_id: str(EXAMPLE_ID),
  task_id: str(TASK_ID),
  source_system: oneOfValues(SOURCE_SYSTEMS),
  uncertainty_score: num(0.42),
  diversity_distance: num(0.31),
  is_correction: bool(false),
  rank: int(1),
  priority: num(0.9),
});

export const datasetSummary = obj({ dataset_id: uuid(), name: str('week-10'), source_system: nullable(oneOfValues(SOURCE_SYSTEMS)), example_count: int(120), content_hash: hash(), created_at: time(), created_by: str('eng-1') });

export const projectionStatus = obj({
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

export const sagaStatus = obj({ name: str('capture'), checkpoint: position(), failures: int(0), last_error: nullable(str()), parked: arr(ref('ParkedEvent')) });

/** A store's check: `error` only when it is down. */
export const storeCheck = (kind: string, extra: Record<string, Schema> = {}): Schema => ({
  ...obj({ kind: str(kind), status: oneOfValues(['up', 'down']), ...extra, error: str('connection refused') }, ['error', ...Object.keys(extra)]),
  example: { kind, status: 'up', ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, v.example])) },
});

export const health = obj({
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

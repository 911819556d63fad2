import { arr, bool, int, nullable, num, obj, oneOfValues, page, position, ref, str, time, uuid } from '../openapi-schema';
import { VERSION, stream } from './examples';
import { featureMap, OperationResponse } from './fragments';
import { withFields } from './components';

/** What the operations on the models: accuracy, predictions, the registry, OCR calibrations and plate formats answer (see index.ts). */
export const MODEL_OPERATIONS: Readonly<Record<string, OperationResponse>> = {
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
};

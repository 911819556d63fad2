import { OCR_CALIBRATION_EVENT_TYPES, OcrCalibrationFitted } from '../../domain/ocr-calibration/ocr-calibration.events';
import { RecordedEvent, isEventOf } from '../../domain/shared/events';
import { Projection, ProjectionView } from '../../runtime/projection';

/** Every calibration ever fitted (by calibration id), and the one in force per engine and mode. */
export const OCR_CALIBRATIONS_COLLECTION = 'ocr_calibrations';
export const OCR_CALIBRATIONS_CURRENT_COLLECTION = 'ocr_calibrations_current';

export interface CalibrationDoc {
  readonly calibration_id: string;
  readonly engine: string;
  readonly engine_version: string;
  readonly mode: string;
  readonly method: string;
  readonly map: Record<string, unknown>;
  readonly source: string;
  readonly sample_count: number;
  readonly positives: number;
  readonly flywheel_samples: number;
  readonly flywheel_positives: number;
  readonly development_samples: number;
  readonly cross_validated: { ece: number; log_loss: number | null; auroc: number | null; folds: number };
  readonly labels_through: { position: string; at: string } | null;
  readonly fitted_by: string;
  readonly fitted_at: string;
  readonly event_id: string;
  /** Log position of the event: the history's order (answered as a string of digits). */
  readonly position: number;
  [key: string]: unknown;
}

export interface CurrentCalibrationDoc {
  readonly engine: string;
  readonly mode: string;
  readonly calibration_id: string;
  [key: string]: unknown;
}

export const currentKey = (engine: string, mode: string): string => `${engine}_${mode}`;

export function calibrationDoc(d: OcrCalibrationFitted['data'], eventId: string, position: number): CalibrationDoc {
  return {
    calibration_id: d.calibrationId,
    engine: d.engine,
    engine_version: d.engineVersion,
    mode: d.mode,
    method: d.method,
    map: { ...d.map },
    source: d.source,
    sample_count: d.sampleCount,
    positives: d.positives,
    flywheel_samples: d.flywheelSamples,
    flywheel_positives: d.flywheelPositives,
    development_samples: d.developmentSamples,
    cross_validated: { ece: d.crossValidated.ece, log_loss: d.crossValidated.logLoss, auroc: d.crossValidated.auroc, folds: d.crossValidated.folds },
    labels_through: d.labelsThrough ? { position: String(d.labelsThrough.position), at: d.labelsThrough.at } : null,
    fitted_by: d.fittedBy,
    fitted_at: d.fittedAt,
    event_id: eventId,
    position,
  };
}

function apply(event: RecordedEvent, view: ProjectionView): void {
  if (!isEventOf<OcrCalibrationFitted>(event, 'OcrCalibrationFitted')) return;
  const doc = calibrationDoc(event.data, event.eventId, event.position);
  view.put(OCR_CALIBRATIONS_COLLECTION, doc.calibration_id, doc);
  // The newest event of a stream is in force: the runner applies events in log order.
  const current: CurrentCalibrationDoc = { engine: doc.engine, mode: doc.mode, calibration_id: doc.calibration_id };
  view.put(OCR_CALIBRATIONS_CURRENT_COLLECTION, currentKey(doc.engine, doc.mode), current);
}

export const ocrCalibrationsProjection: Projection = {
  name: 'ocr-calibrations',
  version: 1,
  collections: [OCR_CALIBRATIONS_COLLECTION, OCR_CALIBRATIONS_CURRENT_COLLECTION],
  indexes: { [OCR_CALIBRATIONS_COLLECTION]: [['engine', 'mode', 'position'], ['position']] },
  eventTypes: OCR_CALIBRATION_EVENT_TYPES,
  apply,
};

import { Injectable } from '@nestjs/common';
import type { OcrCalibrationFitted } from '../../domain/ocr-calibration/ocr-calibration.events';
import type { OcrCalibrationAnswers } from '../../ports/ocr-calibration-answers.port';
import { CalibrationDoc, calibrationDoc } from './ocr-calibrations.projection';

/** A calibration as the API shows it (snake_case, positions as strings of digits). */
export function calibrationAnswer(doc: CalibrationDoc, inForce: boolean) {
  return {
    calibration_id: doc.calibration_id,
    engine: doc.engine,
    engine_version: doc.engine_version,
    mode: doc.mode,
    method: doc.method,
    map: doc.map,
    source: doc.source,
    in_force: inForce,
    sample_count: doc.sample_count,
    positives: doc.positives,
    flywheel_samples: doc.flywheel_samples,
    flywheel_positives: doc.flywheel_positives,
    development_samples: doc.development_samples,
    cross_validated: doc.cross_validated,
    labels_through: doc.labels_through,
    fitted_by: doc.fitted_by,
    fitted_at: doc.fitted_at,
    event_id: doc.event_id,
    position: String(doc.position),
  };
}

/** OCR_CALIBRATION_ANSWERS: a fit answers with the calibration as the read model will show it. */
@Injectable()
export class OcrCalibrationAnswerService implements OcrCalibrationAnswers {
  fitted(calibration: OcrCalibrationFitted['data'], eventId: string, position: number) {
    return calibrationAnswer(calibrationDoc(calibration, eventId, position), true);
  }
}

import type { OcrCalibrationFitted } from '../domain/ocr-calibration/ocr-calibration.events';

/** How the OCR calibrations read model shows a calibration; a fit answers with it (bound in the OCR calibration feature). */
export const OCR_CALIBRATION_ANSWERS = Symbol('OCR_CALIBRATION_ANSWERS');

export interface OcrCalibrationAnswers {
  /** A calibration just fitted and in force, on the wire as the read model will answer it. */
  fitted(calibration: OcrCalibrationFitted['data'], eventId: string, position: number): Record<string, unknown>;
}

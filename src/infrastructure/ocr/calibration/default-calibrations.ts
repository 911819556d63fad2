import { defaultCalibrations } from '../../../domain/ocr-calibration/default-calibrations';
import type { OcrEngineName, OcrMode } from '../../../ports/ocr-engine.port';
import type { ActiveCalibration } from '../../../ports/ocr-calibrations.port';

/** The shipped defaults (`domain/ocr-calibration/default-calibrations.ts`) as the calibrations in force at start. */
export function defaultActiveCalibrations(): Array<readonly [OcrEngineName, OcrMode, ActiveCalibration]> {
  return defaultCalibrations().map((c) => [c.engine, c.mode, { id: c.calibrationId, map: c.map }] as const);
}

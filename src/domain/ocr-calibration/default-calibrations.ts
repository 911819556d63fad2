import type { CalibrationSample } from './ocr-calibration.decider';
import type { CalibrationEngine, CalibrationMap, CalibrationMethod, CalibrationMode } from './ocr-calibration.events';
import shipped from './default-calibrations.data.json';

/**
 * A calibration fitted on the development set (../shared/ocr-dev) by `npm run eval:ocr -- --write-defaults`.
 * It is in force until the flywheel has collected enough labels to fit its own, and is recorded as
 * an OcrCalibrationFitted event (source development_set) so readings made with it stay explainable.
 * The OCR adapters read it through `infrastructure/ocr/calibration/default-calibrations.ts`.
 */
export interface DefaultCalibration {
  readonly calibrationId: string;
  readonly engine: CalibrationEngine;
  /** The engine build the scores came from (OcrResult.engine). */
  readonly engineVersion: string;
  readonly mode: CalibrationMode;
  readonly method: CalibrationMethod;
  readonly map: CalibrationMap;
  readonly sampleCount: number;
  readonly positives: number;
  /** k-fold figures: never measured on the photos a fold's calibration was fitted on. */
  readonly crossValidated: { readonly ece: number; readonly auroc: number | null; readonly folds: number; readonly logLoss?: number };
  /** The development set's (score, right) pairs, pooled with flywheel labels when refitting. */
  readonly samples: readonly CalibrationSample[];
}

interface ShippedFile {
  readonly version: number;
  readonly source: string;
  readonly calibrations: readonly DefaultCalibration[];
}

export function defaultCalibrations(): readonly DefaultCalibration[] {
  return (shipped as unknown as ShippedFile).calibrations;
}

import { DomainEvent, streamName } from '../shared/events';

/**
 * The engines and modes a calibration is kept for. They mirror `OcrEngineName` and `OcrMode` of
 * the OCR port (the command side checks at compile time that the two stay equal), so the domain
 * depends on no adapter.
 */
export type CalibrationEngine = 'paddle' | 'tesseract' | 'ensemble';
export const CALIBRATION_ENGINES: readonly CalibrationEngine[] = ['paddle', 'tesseract', 'ensemble'];
export type CalibrationMode = 'meter' | 'plate';
export const CALIBRATION_MODES: readonly CalibrationMode[] = ['meter', 'plate'];

/**
 * How a calibration maps an engine's score to the probability that a reading is right. These are
 * the shapes of `ml/calibration.ts` (which fits and applies them), declared here because they are
 * recorded in events, and so kept forever; TypeScript is structural, so the two stay assignable.
 */
export type CalibrationMethod = 'isotonic' | 'platt';

/** What a map was fitted on: whole readings (the default) or single characters (see ml/calibration). */
export type CalibrationUnit = 'reading' | 'character';

export type CalibrationMap =
  | { readonly method: 'isotonic'; readonly scores: readonly number[]; readonly probabilities: readonly number[]; readonly unit?: CalibrationUnit }
  | { readonly method: 'platt'; readonly a: number; readonly b: number; readonly unit?: CalibrationUnit };

/** Shipped defaults are fitted on the development set; later fits pool it with the flywheel's labels. */
export type CalibrationSource = 'development_set' | 'flywheel';

export interface CrossValidatedFigures {
  /** Expected calibration error of the out-of-fold probabilities (10 bins). */
  readonly ece: number;
  /** Null when the figures were not computed (no samples shipped with a default). */
  readonly logLoss: number | null;
  /** Null with a single class among the samples. */
  readonly auroc: number | null;
  readonly folds: number;
}

/** The newest label a fit used: the log position and time of its event. */
export interface LabelsThrough {
  readonly position: number;
  readonly at: string;
}

/**
 * A calibration of one engine and mode, stored on `ocr_calibration-<engine>_<mode>`. The newest
 * event of the stream is the calibration in force; each reading records the `calibrationId` it
 * was calibrated with, so its confidence can be recomputed from `map` and its score forever.
 */
export type OcrCalibrationFitted = DomainEvent<
  'OcrCalibrationFitted',
  {
    calibrationId: string;
    engine: CalibrationEngine;
    /** The engine build(s) whose scores were fitted (OcrResult.engine). */
    engineVersion: string;
    mode: CalibrationMode;
    method: CalibrationMethod;
    map: CalibrationMap;
    source: CalibrationSource;
    sampleCount: number;
    /** Samples that were right. */
    positives: number;
    flywheelSamples: number;
    flywheelPositives: number;
    developmentSamples: number;
    crossValidated: CrossValidatedFigures;
    /** Null for a development-set fit: it used no flywheel label. */
    labelsThrough: LabelsThrough | null;
    fittedBy: string;
    fittedAt: string;
  }
>;

export type OcrCalibrationEvent = OcrCalibrationFitted;

export const OCR_CALIBRATION_EVENT_TYPES: readonly OcrCalibrationEvent['type'][] = ['OcrCalibrationFitted'];

export const OCR_CALIBRATION_CATEGORY = 'ocr_calibration';

export function calibrationStream(engine: CalibrationEngine, mode: CalibrationMode): string {
  return streamName(OCR_CALIBRATION_CATEGORY, `${engine}_${mode}`);
}

export function isCalibrationEngine(value: unknown): value is CalibrationEngine {
  return typeof value === 'string' && (CALIBRATION_ENGINES as readonly string[]).includes(value);
}

export function isCalibrationMode(value: unknown): value is CalibrationMode {
  return typeof value === 'string' && (CALIBRATION_MODES as readonly string[]).includes(value);
}

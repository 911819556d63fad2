import type { CalibrationEngine, CalibrationMode, LabelsThrough } from '../domain/ocr-calibration/ocr-calibration.events';
import type { LabeledScore } from '../ml/calibration';

/** The OCR ground truth a calibration fit learns from; the OCR calibration feature binds it to the read model's query. */
export const OCR_GROUND_TRUTH_QUERY = Symbol('OCR_GROUND_TRUTH_QUERY');

export interface FlywheelLabels {
  readonly samples: LabeledScore[];
  /** The newest label among them (by log position); null with none. */
  readonly labelsThrough: LabelsThrough | null;
  /** Distinct engine builds the scores came from, sorted. */
  readonly engineVersions: string[];
}

export interface OcrGroundTruthReader {
  /** The labeled readings of one engine and mode, across every tenant (erased ones left out). */
  labeled(engine: CalibrationEngine, mode: CalibrationMode): Promise<FlywheelLabels>;
}

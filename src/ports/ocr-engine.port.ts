/** Injection token for the OCR adapter; the capture handlers depend on this port only. */
export const OCR_ENGINE = Symbol('OCR_ENGINE');

export type OcrMode = 'meter' | 'plate';

/** The engines a mode can be configured with (OCR_ENGINE, OCR_ENGINE_METER, OCR_ENGINE_PLATE). */
export type OcrEngineName = 'paddle' | 'tesseract' | 'ensemble';
export const OCR_ENGINE_NAMES: readonly OcrEngineName[] = ['paddle', 'tesseract', 'ensemble'];

export interface OcrResult {
  /** Normalised reading: the meter value text (digits and one decimal point) or the plate (A-Z0-9). */
  readonly text: string;
  /** What the engine produced before normalisation, kept for audits and training labels. */
  readonly rawText: string;
  /** Meter mode only: the parsed value, null when nothing numeric was read. */
  readonly value: number | null;
  readonly unit: string | null;
  /**
   * Calibrated probability (0..1) that `text` is exactly right. Below 0.7 the capture flow
   * records a training example, so the threshold means "less than 70% likely to be right".
   */
  readonly confidence: number;
  /** The engine's own uncalibrated score (0..1, higher is surer); calibrations are fitted on it. */
  readonly score: number;
  /** Which calibration turned `score` into `confidence`; null when none was applied. */
  readonly calibrationId: string | null;
  /** Which configured engine produced the reading; calibrations are kept per name and mode. */
  readonly engineName: OcrEngineName;
  /** Engine identifier (name, version, variant) stored with the reading for provenance. */
  readonly engine: string;
}

export interface OcrEngine {
  start(): Promise<void>;
  /** Throws UnprocessableError for bytes that are not a decodable PNG or JPEG. */
  recognize(image: Buffer, mode: OcrMode): Promise<OcrResult>;
  stop(): Promise<void>;
}

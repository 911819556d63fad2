/** Injection token for the OCR adapter; the capture handlers depend on this port only. */
export const OCR_ENGINE = Symbol('OCR_ENGINE');

export type OcrMode = 'meter' | 'plate';

export interface OcrResult {
  /** Normalised reading: the meter value text (digits and one decimal point) or the plate (A-Z0-9). */
  readonly text: string;
  /** What the engine produced before normalisation, kept for audits and training labels. */
  readonly rawText: string;
  /** Meter mode only: the parsed value, null when nothing numeric was read. */
  readonly value: number | null;
  readonly unit: string | null;
  /** 0..1; below 0.7 the capture flow records a training example, so it must be honest. */
  readonly confidence: number;
  /** Engine identifier (name, version, variant) stored with the reading for provenance. */
  readonly engine: string;
}

export interface OcrEngine {
  start(): Promise<void>;
  /** Throws UnprocessableError for bytes that are not a decodable PNG or JPEG. */
  recognize(image: Buffer, mode: OcrMode): Promise<OcrResult>;
  stop(): Promise<void>;
}

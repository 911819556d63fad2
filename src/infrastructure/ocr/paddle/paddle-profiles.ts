import type { OcrMode } from '../../../ports/ocr-engine.port';
import type { DbOptions } from './db-postprocess';
import type { PaddleModelFiles } from './paddle-models';

/** How one mode is read; the defaults were measured on ../shared/ocr-dev (see README). */
export interface PaddleModeProfile {
  /** The detector's input is scaled so that its longer side is this many pixels (multiple of 32). */
  readonly detectionSide: number;
  /** Photos much larger than the detection side that yield no good reading are detected again at this side. */
  readonly fineDetectionSide: number;
  /** Recogniser input width cap: rows are squeezed to it (time grows with width). */
  readonly recognitionMaxWidth: number;
  /** Read each detected row across the whole photo (the detector drops characters cut by the edge). */
  readonly fullWidthRows: boolean;
  /** Always recognise the whole crop too, not only when detection finds nothing (digit rolls). */
  readonly alwaysWholeCrop: boolean;
}

export const DEFAULT_PADDLE_PROFILES: Readonly<Record<OcrMode, PaddleModeProfile>> = {
  plate: { detectionSide: 224, fineDetectionSide: 960, recognitionMaxWidth: 160, fullWidthRows: true, alwaysWholeCrop: false },
  // Letters beside a counter would be forced into digits by the constrained alphabet, so meter rows stay as detected.
  meter: { detectionSide: 320, fineDetectionSide: 960, recognitionMaxWidth: 480, fullWidthRows: false, alwaysWholeCrop: true },
};

export interface PaddleOcrEngineOptions {
  readonly files?: PaddleModelFiles;
  /** onnxruntime intra-op threads per session; 1 keeps one photo on one core. */
  readonly threads?: number;
  readonly profiles?: Partial<Record<OcrMode, Partial<PaddleModeProfile>>>;
  readonly db?: DbOptions;
  readonly plateLayouts?: readonly string[];
  readonly startTimeoutMs?: number;
}

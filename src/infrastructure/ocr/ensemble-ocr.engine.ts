import type { OcrEngine, OcrMode, OcrResult } from '../../ports/ocr-engine.port';
import { parseMeterValue } from '../../domain/readings/reading-format';

export const ENSEMBLE_RULES_VERSION = 'ensemble-v1';

/**
 * The ensemble's rule on two calibrated readings of one photo (pure, tested on its own):
 * - both read the same text: the reading is kept and its score rises, 1 - (1 - p)(1 - q)
 *   (two engines with different failure modes rarely make the same mistake);
 * - they differ: the more probable reading is kept and its score falls to p (1 - q), because the
 *   other engine's belief in a different text is evidence against it;
 * - one read nothing: the other's reading is kept with its own probability.
 * The score is then calibrated like any engine's (engine name "ensemble").
 */
export function combineReadings(primary: OcrResult, secondary: OcrResult, mode: OcrMode): OcrResult {
  const p = primary.text === '' ? 0 : primary.confidence;
  const q = secondary.text === '' ? 0 : secondary.confidence;
  let kept: OcrResult;
  let score: number;
  if (primary.text !== '' && primary.text === secondary.text) {
    kept = primary;
    score = 1 - (1 - p) * (1 - q);
  } else if (secondary.text === '' || primary.text === '') {
    kept = primary.text === '' ? secondary : primary;
    score = Math.max(p, q);
  } else {
    kept = p >= q ? primary : secondary;
    score = Math.max(p, q) * (1 - Math.min(p, q));
  }
  const clamped = Math.max(0, Math.min(1, score));
  return {
    text: kept.text,
    rawText: kept.rawText,
    value: mode === 'meter' ? parseMeterValue(kept.text) : null,
    unit: kept.unit,
    confidence: clamped,
    score: clamped,
    calibrationId: null,
    engineName: 'ensemble',
    engine: `${ENSEMBLE_RULES_VERSION}(${primary.engine}+${secondary.engine})`,
  };
}

/** Runs both engines on the photo at once; each must already return calibrated confidences. */
export class EnsembleOcrEngine implements OcrEngine {
  constructor(
    private readonly primary: OcrEngine,
    private readonly secondary: OcrEngine,
  ) {}

  async start(): Promise<void> {
    await Promise.all([this.primary.start(), this.secondary.start()]);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.primary.stop(), this.secondary.stop()]);
  }

  async recognize(image: Buffer, mode: OcrMode): Promise<OcrResult> {
    const [a, b] = await Promise.all([this.primary.recognize(image, mode), this.secondary.recognize(image, mode)]);
    return combineReadings(a, b, mode);
  }
}

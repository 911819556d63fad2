import type { OcrMode } from '../ocr-engine.port';
import type { ChosenLine } from './line-choice';

/**
 * The engine's own score for a chosen line, before calibration. CTC step probabilities are
 * over-confident on look-alikes, so the weakest character, the margin to the runner-up, the
 * format and the ambiguity between lines all pull it down. Only its order matters for AUROC;
 * the calibration turns it into a probability.
 */
export function paddleScore(line: ChosenLine, mode: OcrMode, boxCount: number): number {
  const p = line.probabilities;
  if (p.length === 0) return 0;
  const mean = p.reduce((a, b) => a + b, 0) / p.length;
  const min = Math.min(...p);
  const minMargin = Math.min(...line.margins);
  let score = 0.4 * mean + 0.3 * min + 0.3 * Math.max(0, minMargin);
  if (!line.formatOk) score *= 0.5;
  score *= 1 - 0.1 * line.swaps;
  score *= 1 - 0.1 * line.trimmed;
  score *= 1 / (1 + 0.5 * line.rivals);
  if (mode === 'plate' && boxCount === 0) score *= 0.8;
  // Text running into the photo's edge has probably lost characters to the crop.
  score *= 1 - 0.6 * Math.max(0, Math.min(1, (1.6 - line.edgeGap) / 0.8));
  // Layouts are listed most expected first: a reading that only fits a rare one is likelier a
  // common plate with a character lost or gained.
  if (line.layoutRank !== null) score *= 1 - 0.04 * line.layoutRank;
  return Math.max(0, Math.min(1, score));
}

import type { OcrMode } from '../../../ports/ocr-engine.port';
import type { ChosenLine } from './line-choice';

/** One character's quality: its step probability, and how far it is ahead of the runner-up. */
export function characterQuality(probability: number, margin: number): number {
  return 0.7 * probability + 0.3 * Math.max(0, margin);
}

/**
 * The engine's own score for a chosen line, before calibration. CTC step probabilities are
 * over-confident on look-alikes, so the margin to the runner-up, the format, the ambiguity between
 * lines and text running into the photo's edge all pull it down. The reading is right only if
 * every character is, so character qualities multiply: a counter of eight doubtful digits scores
 * far lower than one doubtful digit, and one calibration serves any length. Only the order of
 * scores matters for AUROC; the calibration turns them into probabilities.
 */
export function paddleScore(line: ChosenLine, mode: OcrMode, boxCount: number): number {
  const p = line.probabilities;
  if (p.length === 0) return 0;
  let score = 1;
  for (let i = 0; i < p.length; i += 1) score *= characterQuality(p[i], line.margins[i] ?? 0);
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
  // Far fewer digits than the counter has room for: digits were lost to blur or merged.
  if (mode === 'meter' && line.lengthRatio < 0.6) score *= (line.lengthRatio / 0.6) ** 4;
  return Math.max(0, Math.min(1, score));
}

/**
 * Confidence for one reading, derived from several weak signals because Tesseract's own numbers
 * mislead: with a character whitelist the page confidence is often ~0 on a correct reading,
 * while per-symbol confidence can stay high on a blurred misread. The capture flow keeps a
 * training example below 0.7, so a reading only reaches 0.7 when the symbols are confident, the
 * text has the expected shape, and two differently prepared images produced the same text.
 */
export interface ConfidenceSignals {
  readonly text: string;
  /** Tesseract symbol confidences (0..100) of the reading that was kept. */
  readonly symbolConfidences: readonly number[];
  /** Both preprocessing variants produced the same normalised text. */
  readonly variantsAgree: boolean;
  /** The text passes the mode's format check (meter value, plate shape). */
  readonly formatOk: boolean;
  /** Plate only: fits a known layout without swaps (1), with swaps, or no layout (0). */
  readonly layoutScore: number;
  /** A line of characters was located; without one the crop was guessed. */
  readonly lineFound: boolean;
  /** Characters counted by the line locator, or null when no line was found. */
  readonly characterCount: number | null;
  /** Share of the row's glyph-sized ink inside the located characters (1 = nothing lost). */
  readonly coverage: number;
}

/** Caps that keep a reading below the capture threshold whatever the symbols say. */
export const DISAGREEMENT_CAP = 0.6;
export const BAD_FORMAT_CAP = 0.4;
/** Below this share of the row's ink inside the located glyphs, some characters were merged or lost. */
export const MIN_COVERAGE = 0.8;

export function symbolScore(confidences: readonly number[]): number {
  if (confidences.length === 0) return 0;
  const mean = confidences.reduce((a, b) => a + b, 0) / confidences.length;
  // The weakest character decides whether the whole reading is right, so it weighs as much as the mean.
  return Math.max(0, Math.min(1, (0.5 * mean + 0.5 * Math.min(...confidences)) / 100));
}

export function deriveConfidence(signals: ConfidenceSignals): number {
  if (signals.text.length === 0) return 0;
  const symbols = symbolScore(signals.symbolConfidences);
  let confidence = 0.45 + 0.55 * symbols;
  confidence *= 0.85 + 0.15 * signals.layoutScore;
  // Without a located line the characters were never seen as separate glyphs: blur or no text.
  if (!signals.lineFound) confidence = Math.min(confidence, DISAGREEMENT_CAP * (0.5 + 0.5 * symbols));
  if (!signals.variantsAgree) confidence = Math.min(confidence, DISAGREEMENT_CAP * (0.5 + 0.5 * symbols));
  // A blurred "3907" read as "7" is well-formed and confident per symbol; the glyph count is not fooled.
  const glyphs = signals.text.replace(/\./g, '').length;
  const lostGlyphs = signals.characterCount !== null && Math.abs(glyphs - signals.characterCount) > 1;
  if (lostGlyphs || (signals.lineFound && signals.coverage < MIN_COVERAGE)) {
    confidence = Math.min(confidence, DISAGREEMENT_CAP * (0.5 + 0.5 * symbols));
  }
  if (!signals.formatOk) confidence = Math.min(confidence, BAD_FORMAT_CAP * (0.5 + 0.5 * symbols));
  return Math.round(Math.max(0, Math.min(1, confidence)) * 1000) / 1000;
}

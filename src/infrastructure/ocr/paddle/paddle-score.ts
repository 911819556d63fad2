import type { OcrMode } from '../../../ports/ocr-engine.port';
import { KNOWN_PLATE_LAYOUTS } from '../../../domain/readings/plate-formats';
import { plateShape } from '../../../domain/readings/reading-format';
import type { ChosenLine } from './line-choice';

/** One character's quality: its step probability, and how far it is ahead of the runner-up. */
export function characterQuality(probability: number, margin: number): number {
  return 0.7 * probability + 0.3 * Math.max(0, margin);
}

/**
 * Plates hold 6 or 7 characters almost everywhere, 5 or 8 less often; a reading of 4 or fewer
 * lost characters (to blur, to the crop's edge), one of 9 or more gained a border or a caption
 * (India's 9-10 character plates are the exception, read whole but doubted).
 */
export function plateLengthPrior(length: number): number {
  if (length <= 3) return 0.1;
  if (length === 4) return 0.2;
  if (length === 5) return 0.5;
  if (length >= 8) return 0.4;
  return 1;
}

/** Score kept for a plate reading that fits none of the known layouts (KNOWN_PLATE_LAYOUTS). */
const UNKNOWN_LAYOUT = 0.6;
/** Score kept per re-read of the line (a slightly different crop, the same crop stretched or smoothed; see rereads.ts) that reads otherwise. */
const REREAD_DISAGREES = 0.6;
/**
 * Meters: score kept per digit for each re-read that reads another value. A re-read that reads
 * nothing (a faint roll lost from a smaller crop) keeps REREAD_DISAGREES: on the development meters
 * and their degraded copies, a re-read reading another digit is much the stronger sign of a
 * misread (a thin "1" read "0" is read "1" from a slightly smaller crop), while readings whose
 * re-reads only read nothing are mostly right.
 */
const METER_REREAD_READS_ANOTHER = 0.3;

/**
 * Score kept for where the line's outermost character sits (endRoom, in character pitches): a
 * whole character under a pitch from the region's end leaves no room for its neighbour, which the
 * photo's edge probably cut off entirely. A character right at the end (the first or last
 * recogniser step) is itself the one cut through, and is often read all the same: measured on the
 * development sets' cut copies, those readings are right about half the time, the others rarely
 * (unless it reads as a bare stroke, see CUT_STROKE).
 */
export function endRoomFactor(endRoom: number | undefined): number {
  if (endRoom === undefined || endRoom >= 1 || endRoom < 0.3) return 1;
  return 0.1;
}

/**
 * Score kept for a bare stroke (I, 1) touching the region's end (cutStrokeAtEnd): on the
 * development sets' cut copies such a character is mostly what the edge left of a wider one.
 */
const CUT_STROKE = 0.3;

/** Score kept per isolated look-alike (see isolatedLookAlikes). */
const ISOLATED_LOOK_ALIKE = 0.6;

const isLetter = (c: string | undefined): boolean => c !== undefined && c >= 'A' && c <= 'Z';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * Look-alikes of the other kind amid their neighbours: a "0" or "1" among letters, an "O" or "I"
 * among digits. Plate characters come in groups of one kind, so such a character is where the
 * recogniser (and even a person) most often confuses O with 0 and I with 1, and the step
 * probability does not show it. A fitted layout has already decided those slots.
 */
export function isolatedLookAlikes(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const neighbours = [text[i - 1], text[i + 1]].filter((c): c is string => c !== undefined);
    if (neighbours.length === 0) continue;
    if ('01'.includes(text[i]) && neighbours.every(isLetter)) count += 1;
    else if ('OI'.includes(text[i]) && neighbours.every(isDigit)) count += 1;
  }
  return count;
}

/** The lowest character quality of a line (see characterQuality). */
export function weakestCharacter(probabilities: readonly number[], margins: readonly number[]): number {
  let weakest = 1;
  for (let i = 0; i < probabilities.length; i += 1) weakest = Math.min(weakest, characterQuality(probabilities[i], margins[i] ?? 0));
  return weakest;
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
  // Meter calibrations are per digit: they read the score's n-th root as the quality of every one
  // of the n digits. A counter with one doubtful digit among sure ones (a blurred "5" read "6" at
  // 0.04 beside four digits at 0.99) must not pass as n fairly good digits: its characters count as
  // that many of its weakest. Otherwise the character qualities multiply.
  let score = 1;
  if (mode === 'meter' && p.length > 1) score = weakestCharacter(p, line.margins) ** p.length;
  else for (let i = 0; i < p.length; i += 1) score *= characterQuality(p[i], line.margins[i] ?? 0);
  if (!line.formatOk) score *= 0.5;
  score *= 1 - 0.1 * line.swaps;
  score *= 1 - 0.1 * line.trimmed;
  // A sticker left out of a plate is a judgement about the photo like a trim: it lowers the score.
  score *= 1 - 0.1 * (line.dropped ?? 0);
  score *= 1 / (1 + 0.5 * line.rivals);
  // Meter calibrations are per digit (p = f(q)^n over the score's n-th root, see calibratedConfidence):
  // a re-read that reads the counter otherwise doubts each digit, or the doubt would be spread thin.
  if (mode === 'meter') {
    const units = Math.max(1, line.text.replace(/\./g, '').length);
    const nothing = Math.min(line.rereadsReadingNothing ?? 0, line.disagreement ?? 0);
    const another = (line.disagreement ?? 0) - nothing;
    score *= REREAD_DISAGREES ** (nothing * units) * METER_REREAD_READS_ANOTHER ** (another * units);
  } else score *= REREAD_DISAGREES ** (line.disagreement ?? 0);
  if (mode === 'plate') {
    score *= plateLengthPrior(line.text.length);
    // A configured layout that fitted (layoutRank) is known by configuration.
    if (line.layoutRank === null && !KNOWN_PLATE_LAYOUTS.has(plateShape(line.text))) score *= UNKNOWN_LAYOUT;
    score *= endRoomFactor(line.endRoom);
    if (line.cutStroke === true) score *= CUT_STROKE;
  }
  if (mode === 'plate' && boxCount === 0) score *= 0.8;
  if (mode === 'plate' && line.layoutRank === null) score *= ISOLATED_LOOK_ALIKE ** isolatedLookAlikes(line.text);
  // Text running into the photo's edge has probably lost characters to the crop.
  score *= 1 - 0.6 * Math.max(0, Math.min(1, (1.6 - line.edgeGap) / 0.8));
  // Layouts are listed most expected first: a reading that only fits a rare one is likelier a
  // common plate with a character lost or gained.
  if (line.layoutRank !== null) score *= 1 - 0.04 * line.layoutRank;
  // Far fewer digits than the counter has room for: digits were lost to blur or merged.
  if (mode === 'meter' && line.lengthRatio < 0.6) score *= (line.lengthRatio / 0.6) ** 4;
  return Math.max(0, Math.min(1, score));
}

import { KNOWN_PLATE_LAYOUTS } from '../../../domain/readings/plate-formats';
import { LETTER_TO_DIGIT, fitPlateLayout, isMeterFormat, isPlateFormat, mixesLettersAndDigits, normaliseMeter, plateShape, resolveLookAlike } from '../../../domain/readings/reading-format';
import type { DecodedCharacter } from './ctc-decoder';

/**
 * Which recognised text line is the reading. A plate crop often holds a state or city name, a
 * slogan, a dealer's frame or a border as well as the plate; a meter photo holds labels and serial
 * numbers beside the digit rolls. The choice is pure, so it is tested on its own.
 */
export interface LineCandidate {
  readonly characters: readonly DecodedCharacter[];
  /** Height of the line's box in source pixels: a plate's characters are its tallest text. */
  readonly height: number;
  /** Mean detector probability of the box, 1 for a whole-crop read. */
  readonly detectorScore: number;
  /** The line's gap to the photo's left/right edge in unclip distances (see TextBox.edgeGap); Infinity for a whole-crop read. */
  readonly edgeGap: number;
  /** Width over height of the region that was recognised (a digit is about 0.65 as wide as tall). */
  readonly aspect: number;
  /** Top of the row in source pixels, when it was detected (two-row plates are joined by it). */
  readonly top?: number;
  /** Coloured blobs (stickers) the recogniser read as characters and that were left out of `characters`. */
  readonly dropped?: number;
  /** Room between the outermost characters and the region's ends, in character pitches (see endRoom). */
  readonly endRoom?: number;
  /** An end character touching the region's end is a bare stroke, I or 1 (see cutStrokeAtEnd). */
  readonly cutStroke?: boolean;
  /** Two rows joined as one two-row plate (see stackedCandidates). */
  readonly stacked?: boolean;
  /**
   * Read from the row as detected (with a small margin), not across the whole photo: what sits
   * beside the plate (a neighbour's characters, a frame's mark) was not read, so without layouts
   * its ends are not trimmed.
   */
  readonly asDetected?: boolean;
}

/** Rows at least this close in height may be the two rows of one plate. */
export const STACKED_HEIGHT_RATIO = 0.7;
/** Two stacked rows of plate-sized text are likelier one two-row plate than a plate and a caption. */
const STACKED_PREFERENCE = 1.15;

/**
 * Two-row plates ("AB" over "1234", "KA01" over "AB1234"): each pair of rows of about the same
 * height, one right under the other, is also a candidate, read top row first.
 */
export function stackedCandidates(candidates: readonly LineCandidate[]): LineCandidate[] {
  const joined: LineCandidate[] = [];
  for (const upper of candidates) {
    for (const lower of candidates) {
      if (upper === lower || upper.top === undefined || lower.top === undefined || upper.top >= lower.top) continue;
      const [small, large] = upper.height < lower.height ? [upper.height, lower.height] : [lower.height, upper.height];
      const gap = lower.top - (upper.top + upper.height);
      if (small < STACKED_HEIGHT_RATIO * large || gap > 0.6 * large) continue;
      joined.push({
        characters: [...upper.characters, ...lower.characters],
        height: large,
        detectorScore: Math.min(upper.detectorScore, lower.detectorScore) * STACKED_PREFERENCE,
        edgeGap: Math.min(upper.edgeGap, lower.edgeGap),
        aspect: Math.max(upper.aspect, lower.aspect),
        dropped: (upper.dropped ?? 0) + (lower.dropped ?? 0),
        endRoom: Math.min(upper.endRoom ?? Number.POSITIVE_INFINITY, lower.endRoom ?? Number.POSITIVE_INFINITY),
        cutStroke: upper.cutStroke === true || lower.cutStroke === true,
        stacked: true,
      });
    }
  }
  return joined;
}

export interface ChosenLine {
  readonly text: string;
  readonly rawText: string;
  /** Character probabilities of the kept characters, in order. */
  readonly probabilities: readonly number[];
  readonly margins: readonly number[];
  readonly formatOk: boolean;
  /** Look-alike swaps the plate layout needed (0 for meters). */
  readonly swaps: number;
  /** Characters dropped from the line's ends to find the plate inside it. */
  readonly trimmed: number;
  /** Other lines that would have made an almost as plausible reading (ambiguity). */
  readonly rivals: number;
  readonly edgeGap: number;
  /** Position of the fitted layout in the preference list (0 = most expected), null without one. */
  readonly layoutRank: number | null;
  /**
   * Meters: characters read over characters the region has room for (1 for a plate). A blurred
   * six-digit counter read as "1" is well formed and may look confident per character; the length
   * is not fooled.
   */
  readonly lengthRatio: number;
  /** Coloured blobs left out of the line (see LineCandidate.dropped). */
  readonly dropped?: number;
  /** Re-reads of the line's region (slightly different crops, the same crop stretched) that read otherwise (0-4; see rereads.ts). */
  readonly disagreement?: number;
  /** Of those, the re-reads that read nothing at all (see readsNothing in rereads.ts). */
  readonly rereadsReadingNothing?: number;
  /** See LineCandidate.endRoom. */
  readonly endRoom?: number;
  /** See LineCandidate.cutStroke. */
  readonly cutStroke?: boolean;
}

/** Width over height of a counter digit with its spacing (monospaced rolls and LCD digits: 0.5-0.8). */
export const DIGIT_ASPECT = 0.8;

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Characters a plate layout tells apart by position: "0" in a digit slot stands for 0, O, Q and D alike. */
function lookAlikes(char: string): string[] {
  const isDigit = char >= '0' && char <= '9';
  return isDigit ? Object.keys(LETTER_TO_DIGIT).filter((l) => LETTER_TO_DIGIT[l] === char) : LETTER_TO_DIGIT[char] !== undefined ? [LETTER_TO_DIGIT[char]] : [];
}

/**
 * A character's probability once the layout has decided between look-alikes: the fitted
 * character's and its look-alikes' mass together, and the margin to the best character that is
 * neither. Without this an "O" in a letter slot is doubted for every bit of mass on "0", which
 * the layout has already ruled out.
 */
export function layoutAwareCharacter(character: DecodedCharacter, fitted: string): { probability: number; margin: number } {
  const same = new Set([fitted, ...lookAlikes(fitted)]);
  let probability = 0;
  let rival = 0;
  for (const alternative of character.alternatives) {
    if (same.has(alternative.char)) probability += alternative.probability;
    else rival = Math.max(rival, alternative.probability);
  }
  // The decoded character itself always counts, even when it is not among the kept alternatives.
  if (probability === 0) probability = character.char === fitted ? character.probability : 0;
  return { probability, margin: probability - rival };
}

/** Without layouts, a line fitting no known layout is this much less plausible than one fitting one. */
const UNKNOWN_SHAPE = 0.75;
/** A Z/2, S/5, B/8 or G/6 is swapped without layouts only if the recogniser gave the other glyph this much at that step. */
const NEAR_MISS_EVIDENCE = 0.05;
/** A trim without layouts never leaves fewer characters than this. */
const MIN_TRIMMED_LENGTH = 5;

interface Scored {
  readonly line: ChosenLine;
  readonly plausibility: number;
}

function platePlausibility(candidate: LineCandidate, maxHeight: number, layouts: readonly string[]): Scored | null {
  const chars = candidate.characters;
  const raw = chars.map((c) => c.char).join('');
  if (raw.length === 0) return null;
  let best: Scored | null = null;
  // A border, a screw or a neighbour's character read as a character sits at an end: with layouts
  // given (format evidence), the line's inner windows are tried too. Without, only a line that fits
  // no known layout as read loses one character at either end, and only to fit a known layout as is
  // (a two-row plate's rows are not trimmed).
  const known = (text: string): boolean => KNOWN_PLATE_LAYOUTS.has(plateShape(text)) || resolveLookAlike(text) !== null;
  // Two rows joined end where each row ends: their ends are no stray characters.
  const unknownAsRead = layouts.length === 0 && candidate.stacked !== true && candidate.asDetected !== true && !known(raw);
  const maxTrim = layouts.length > 0 ? 2 : unknownAsRead ? 2 : 0;
  for (let start = 0; start < chars.length; start += 1) {
    for (let end = chars.length; end > start; end -= 1) {
      const trimmed = start + (chars.length - end);
      if (trimmed > maxTrim) continue;
      const window = chars.slice(start, end);
      const read = window.map((c) => c.char).join('');
      if (layouts.length === 0 && trimmed > 0 && (start > 1 || chars.length - end > 1 || read.length < MIN_TRIMMED_LENGTH || !KNOWN_PLATE_LAYOUTS.has(plateShape(read)))) continue;
      let fit = fitPlateLayout(read, layouts);
      // No format configured: a look-alike in a reading that fits no known layout is still read the
      // way a common layout has it.
      const seen = (i: number, char: string): boolean => window[i].alternatives.some((a) => a.char === char && a.probability >= NEAR_MISS_EVIDENCE);
      const lookAlike = layouts.length === 0 && !KNOWN_PLATE_LAYOUTS.has(plateShape(read)) ? resolveLookAlike(read, undefined, seen) : null;
      if (lookAlike !== null) fit = { text: lookAlike.text, layout: null, swaps: 1 };
      const formatOk = fit.layout !== null || isPlateFormat(fit.text);
      const resolved =
        fit.layout === null && lookAlike === null ? window.map((c) => ({ probability: c.probability, margin: c.margin })) : window.map((c, i) => layoutAwareCharacter(c, fit.text[i]));
      const probabilities = resolved.map((r) => r.probability);
      const quality = mean(probabilities);
      // Without layouts a line mixing letters and digits is preferred over a state name or slogan.
      const shape = fit.layout !== null ? 1 - 0.12 * fit.swaps : !formatOk ? 0.15 : layouts.length > 0 ? 0.5 : (mixesLettersAndDigits(fit.text) ? 1 : 0.6) * (known(read) ? 1 : UNKNOWN_SHAPE);
      const plausibility = quality * shape * (1 - 0.15 * trimmed) * (0.6 + 0.4 * (candidate.height / maxHeight)) * (0.8 + 0.2 * candidate.detectorScore);
      if (best === null || plausibility > best.plausibility) {
        best = {
          plausibility,
          line: { text: fit.text, rawText: raw, probabilities, margins: resolved.map((r) => r.margin), formatOk, swaps: fit.swaps, trimmed, rivals: 0, edgeGap: candidate.edgeGap, layoutRank: fit.layout === null ? null : layouts.indexOf(fit.layout), lengthRatio: 1, dropped: candidate.dropped ?? 0, endRoom: candidate.endRoom, cutStroke: candidate.cutStroke === true },
        };
      }
    }
  }
  return best;
}

export function choosePlateLine(candidates: readonly LineCandidate[], layouts: readonly string[] = []): ChosenLine | null {
  const maxHeight = Math.max(1, ...candidates.map((c) => c.height));
  const scored = [...candidates, ...stackedCandidates(candidates)].map((c) => platePlausibility(c, maxHeight, layouts)).filter((s): s is Scored => s !== null);
  if (scored.length === 0) return null;
  scored.sort((a, b) => b.plausibility - a.plausibility);
  const [best] = scored;
  const rivals = scored.filter((s) => s.line.text !== best.line.text && s.line.formatOk && s.plausibility > 0.8 * best.plausibility).length;
  return { ...best.line, rivals };
}

/**
 * Meter: the line with the most confidently read digits; a decimal point is kept only between
 * digits. Lines are whole rows (boxes on one row were merged before), so a multi-roll counter
 * reads as one value.
 */
export function chooseMeterLine(candidates: readonly LineCandidate[]): ChosenLine | null {
  let best: Scored | null = null;
  const maxHeight = Math.max(1, ...candidates.map((c) => c.height));
  const viable: Scored[] = [];
  for (const candidate of candidates) {
    const raw = candidate.characters.map((c) => c.char).join('');
    const text = normaliseMeter(raw);
    if (text.length === 0) continue;
    const kept = candidate.characters.filter((c) => c.char !== '.' || text.includes('.'));
    const probabilities = kept.map((c) => c.probability);
    const formatOk = isMeterFormat(text);
    const digits = text.replace(/\./g, '').length;
    const lengthRatio = Math.min(1, digits / Math.max(1, candidate.aspect / DIGIT_ASPECT));
    const plausibility = mean(probabilities) * (formatOk ? 1 : 0.3) * (0.5 + 0.5 * (candidate.height / maxHeight)) * Math.min(1, 0.6 + 0.1 * digits) * (0.5 + 0.5 * lengthRatio);
    const line = { text, rawText: raw, probabilities, margins: kept.map((c) => c.margin), formatOk, swaps: 0, trimmed: 0, rivals: 0, edgeGap: candidate.edgeGap, layoutRank: null, lengthRatio };
    const scored = { plausibility, line };
    viable.push(scored);
    if (best === null || plausibility > best.plausibility) best = scored;
  }
  if (best === null) return null;
  const chosen = best;
  const rivals = viable.filter((s) => s !== chosen && s.line.text !== chosen.line.text && s.plausibility > 0.8 * chosen.plausibility).length;
  return { ...chosen.line, rivals };
}

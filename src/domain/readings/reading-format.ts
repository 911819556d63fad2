/**
 * Normalisation and format rules for the two reading kinds. Pure, so the engine's output can be
 * checked and explained without running OCR.
 */

/** Digits, optionally one decimal point with up to four decimals: "004512.7", "17". */
const METER_FORMAT = /^\d{1,10}(\.\d{1,4})?$/;

export function normaliseMeter(raw: string): string {
  const kept = raw.replace(/,/g, '.').replace(/[^0-9.]/g, '');
  // A second decimal point is noise (a screw, a roll edge); the first one is the likelier separator.
  const firstDot = kept.indexOf('.');
  const single = firstDot < 0 ? kept : kept.slice(0, firstDot + 1) + kept.slice(firstDot + 1).replace(/\./g, '');
  return single.replace(/^\.+|\.+$/g, '');
}

export function isMeterFormat(text: string): boolean {
  return METER_FORMAT.test(text);
}

export function parseMeterValue(text: string): number | null {
  if (!/\d/.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

export function normalisePlate(raw: string): string {
  return raw.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/**
 * General plate shape with no layout configured: 2 to 10 letters and digits. Anything narrower
 * would reject real plates (Indian plates have 10 characters, vanity and motorcycle plates 2-5).
 */
export function isPlateFormat(text: string): boolean {
  return /^[A-Z0-9]{2,10}$/.test(text);
}

/** Letters and digits mixed: most plates' shape, and what a state name or slogan is not. */
export function mixesLettersAndDigits(text: string): boolean {
  return /[A-Z]/.test(text) && /[0-9]/.test(text);
}

/**
 * Common layouts, L = letter, D = digit, in order of preference when a reading fits several.
 * Brazil (old and Mercosur) first because the deployed gates are Brazilian; the others keep the
 * correction from forcing every plate into a Brazilian shape.
 */
export const DEFAULT_PLATE_LAYOUTS: readonly string[] = [
  'LLLDDDD', // Brazil before 2018: ABC1234
  'LLLDLDD', // Mercosur Brazil: ABC1D23
  'LLDDLLL', // UK: AB12CDE
  'LLDDDLL', // France, Italy: AB123CD
  'DLLLDDD', // several US states: 1ABC234
  'LLDDDD', // AB1234
  'LLLDDD', // ABC123
];

/**
 * With no format configured, a look-alike is read the way that makes the plate fit one of these
 * (one character at most): the glyphs are the same or nearly so in many plate fonts, and the
 * recogniser's step probability does not tell them apart ("RK857A1" is the Slovak RK857AI,
 * "MLOC2S" Missouri's ML0C2S, "MHGV4L" Missouri's MH6V4L). The default layouts plus Missouri's
 * AB1C2D.
 */
export const LOOK_ALIKE_LAYOUTS: readonly string[] = [...DEFAULT_PLATE_LAYOUTS, 'LLDLDL'];
/** O/0 and I/1 first (the same glyph in most plate fonts), then the nearer misses. */
const LOOK_ALIKE_PAIRS: ReadonlyArray<Readonly<Record<string, string>>> = [
  { O: '0', '0': 'O', I: '1', '1': 'I' },
  { Z: '2', '2': 'Z', S: '5', '5': 'S', B: '8', '8': 'B', G: '6', '6': 'G' },
];

/** The L/D shape of a plate text: "ABC1D23" is "LLLDLDD". */
export function plateShape(text: string): string {
  return text.replace(/[A-Z]/g, 'L').replace(/[0-9]/g, 'D');
}

/**
 * The reading with one look-alike swapped so that it fits a layout it did not fit as read (O/0
 * and I/1 before the others, then the earliest layout, then the leftmost character); null when it
 * fits as read or no single swap makes it fit. A reading that fits no layout either way is kept:
 * an unknown plate is not forced. The nearer misses (Z/2, S/5, B/8, G/6) are told apart by a clear
 * glyph, so they are swapped only where `nearMissSeen` says the recogniser saw the other glyph too.
 */
export function resolveLookAlike(
  text: string,
  layouts: readonly string[] = LOOK_ALIKE_LAYOUTS,
  nearMissSeen: (position: number, char: string) => boolean = () => true,
): { text: string; position: number } | null {
  if (layouts.includes(plateShape(text))) return null;
  for (const [tier, pairs] of LOOK_ALIKE_PAIRS.entries()) {
    for (const layout of layouts) {
      if (layout.length !== text.length) continue;
      for (let i = 0; i < text.length; i += 1) {
        const swapped = pairs[text[i]];
        if (swapped === undefined || (tier > 0 && !nearMissSeen(i, swapped))) continue;
        const candidate = text.slice(0, i) + swapped + text.slice(i + 1);
        if (plateShape(candidate) === layout) return { text: candidate, position: i };
      }
    }
  }
  return null;
}

/** Look-alike glyphs that OCR swaps between letters and digits in plate fonts. */
export const LETTER_TO_DIGIT: Readonly<Record<string, string>> = { O: '0', Q: '0', D: '0', I: '1', Z: '2', S: '5', B: '8', G: '6' };
export const DIGIT_TO_LETTER: Readonly<Record<string, string>> = { '0': 'O', '1': 'I', '2': 'Z', '5': 'S', '8': 'B', '6': 'G' };
/** More swaps than this and the reading is more likely garbage than a swapped plate. */
const MAX_SWAPS = 2;

export interface LayoutFit {
  readonly text: string;
  readonly layout: string | null;
  readonly swaps: number;
}

/**
 * Fits a plate reading to the closest layout by swapping look-alikes, so "0KP7250" becomes
 * "OKP7250". A character that cannot be swapped into its slot rules the layout out; the fewest
 * swaps win, ties go to the earlier layout. No fit leaves the text unchanged with layout null.
 */
export function fitPlateLayout(text: string, layouts: readonly string[] = DEFAULT_PLATE_LAYOUTS): LayoutFit {
  let best: LayoutFit | null = null;
  for (const layout of layouts) {
    if (layout.length !== text.length) continue;
    let swaps = 0;
    let fitted = '';
    for (let i = 0; i < text.length && swaps <= MAX_SWAPS; i += 1) {
      const c = text[i];
      const wantDigit = layout[i] === 'D';
      const isDigit = c >= '0' && c <= '9';
      if (wantDigit === isDigit) {
        fitted += c;
        continue;
      }
      const swapped = wantDigit ? LETTER_TO_DIGIT[c] : DIGIT_TO_LETTER[c];
      if (swapped === undefined) {
        swaps = Number.POSITIVE_INFINITY;
        break;
      }
      fitted += swapped;
      swaps += 1;
    }
    if (swaps <= MAX_SWAPS && (best === null || swaps < best.swaps)) best = { text: fitted, layout, swaps };
  }
  return best ?? { text, layout: null, swaps: 0 };
}

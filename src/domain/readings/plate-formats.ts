import { DIGIT_TO_LETTER, LETTER_TO_DIGIT, LOOK_ALIKE_LAYOUTS, isPlateFormat } from './reading-format';

/**
 * Plate formats as data: a tenant configures country codes or L/D patterns (L = letter,
 * D = digit), and learns more from its own labels. A reading is never forced into a format: the
 * raw reading wins unless a look-alike swap or an end trim makes it fit a format the evidence
 * strongly supports, and every such change lowers the confidence.
 */
export const COUNTRY_PLATE_LAYOUTS: Readonly<Record<string, readonly string[]>> = {
  BR: ['LLLDDDD', 'LLLDLDD'],
  AR: ['LLLDDD', 'LLDDDLL'],
  MERCOSUR: ['LLLDLDD', 'LLDDDLL', 'LLLDDLL', 'LLDDDDLL'],
  IN: ['LLDDLLDDDD', 'LLDDLDDDD', 'LLDLLLDDDD', 'LLDLLDDDD', 'LLDDDDDD'],
  UK: ['LLDDLLL'],
  EU: ['LLDDDLL', 'DDDDLLL', 'LLLDDDD', 'LLDDDDD', 'LLLDDDDD', 'LLLLDDD', 'LLLDDLL', 'LLDDLLL', 'DDLLLD', 'LDDDLLL'],
  US: ['DLLLDDD', 'LLLDDDD', 'LLLDDD', 'DLLDDD', 'DDDLLL', 'LLDDDDD', 'DDDDLL', 'LLLDDDL', 'LLDLDL'],
};

/** Every layout named here: a reading that fits none of them is an unusual plate, or a misread one. */
export const KNOWN_PLATE_LAYOUTS: ReadonlySet<string> = new Set([...LOOK_ALIKE_LAYOUTS, ...Object.values(COUNTRY_PLATE_LAYOUTS).flat()]);

const PATTERN = /^[LD]{2,10}$/;

export function isPlateFormatName(name: string): boolean {
  return PATTERN.test(name) || COUNTRY_PLATE_LAYOUTS[name] !== undefined;
}

/** The layouts a configured name stands for: a country's list, or the pattern itself. */
export function layoutsOf(name: string): readonly string[] {
  return COUNTRY_PLATE_LAYOUTS[name] ?? (PATTERN.test(name) ? [name] : []);
}

/** The L/D shape of a plate: "ABC1D23" → "LLLDLDD". */
export function layoutOfPlate(text: string): string {
  return text.replace(/[A-Z]/g, 'L').replace(/[0-9]/g, 'D');
}

export interface FormatInForce {
  /** What the answer reports as plate_format: the configured name, or the learned pattern. */
  readonly name: string;
  readonly layout: string;
  /** 1 when configured; the layout's share among the tenant's labeled plates when learned. */
  readonly weight: number;
  readonly source: 'configured' | 'learned';
}

/** Evidence at least this strong may change characters; weaker layouts only name a match. */
export const STRONG_EVIDENCE = 0.3;
/** Each swap or trim multiplies the confidence by this: a changed reading is never surer than the raw one. */
export const CHANGE_PENALTY = 0.85;
/** A reading that fits no format in force is kept as read, and captured for a person to check. */
export const NO_FIT_CAP = 0.6;
const MAX_CHANGES = 2;

export function configuredFormats(names: readonly string[]): FormatInForce[] {
  return names.flatMap((name) => layoutsOf(name).map((layout) => ({ name, layout, weight: 1, source: 'configured' as const })));
}

export interface PlateResolution {
  readonly text: string;
  readonly plateFormat: string | null;
  readonly confidence: number;
  /** Swaps plus trims applied to the raw reading (0 = read as is). */
  readonly changes: number;
}

function swapInto(text: string, layout: string): { text: string; swaps: number } | null {
  let swaps = 0;
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    const wantDigit = layout[i] === 'D';
    if (wantDigit === (c >= '0' && c <= '9')) {
      out += c;
      continue;
    }
    const swapped = wantDigit ? LETTER_TO_DIGIT[c] : DIGIT_TO_LETTER[c];
    if (swapped === undefined) return null;
    out += swapped;
    swaps += 1;
  }
  return { text: out, swaps };
}

function best(formats: readonly FormatInForce[]): FormatInForce {
  return formats.reduce((a, b) => (b.weight > a.weight ? b : a));
}

/**
 * The plate a reading stands for under the formats in force. With none, any 2-10 letters and
 * digits is accepted as read and no layout is preferred. A raw reading that fits a format is
 * never changed; otherwise proposals (look-alike swaps, end trims) are scored by the format's
 * weight against the number of changes, and only a strong format may win.
 */
export function resolvePlate(text: string, confidence: number, formats: readonly FormatInForce[]): PlateResolution {
  const round = (c: number): number => Math.round(c * 1000) / 1000;
  const capped = isPlateFormat(text) ? confidence : Math.min(confidence, NO_FIT_CAP);
  if (formats.length === 0) return { text, plateFormat: null, confidence: round(capped), changes: 0 };
  const shape = layoutOfPlate(text);
  const exact = formats.filter((f) => f.layout === shape);
  if (exact.length > 0) return { text, plateFormat: best(exact).name, confidence: round(capped), changes: 0 };
  let chosen: { text: string; format: FormatInForce; changes: number; score: number } | null = null;
  for (const format of formats) {
    if (format.weight < STRONG_EVIDENCE) continue;
    for (let start = 0; start <= MAX_CHANGES; start += 1) {
      for (let endTrim = 0; start + endTrim <= MAX_CHANGES; endTrim += 1) {
        const window = text.slice(start, text.length - endTrim);
        if (window.length !== format.layout.length) continue;
        const fit = swapInto(window, format.layout);
        if (fit === null) continue;
        const changes = fit.swaps + start + endTrim;
        if (changes > MAX_CHANGES) continue;
        const score = format.weight * 0.5 ** changes;
        if (chosen === null || score > chosen.score) chosen = { text: fit.text, format, changes, score };
      }
    }
  }
  if (chosen === null) return { text, plateFormat: null, confidence: round(Math.min(capped, NO_FIT_CAP)), changes: 0 };
  return { text: chosen.text, plateFormat: chosen.format.name, confidence: round(capped * CHANGE_PENALTY ** chosen.changes), changes: chosen.changes };
}

/** Labels at least this many before a tenant's own layouts count as evidence. */
export const MIN_LEARNING_LABELS = 10;
/** A layout under this share of the tenant's labels is noise (a visitor's plate), not its format. */
export const MIN_LEARNED_SHARE = 0.1;

/** The tenant's layouts learned from its corrected and labeled plates: each layout's share of them. */
export function learnFormats(labeledPlates: readonly string[]): FormatInForce[] {
  const plates = labeledPlates.filter(isPlateFormat);
  if (plates.length < MIN_LEARNING_LABELS) return [];
  const counts = new Map<string, number>();
  for (const p of plates) counts.set(layoutOfPlate(p), (counts.get(layoutOfPlate(p)) ?? 0) + 1);
  return [...counts.entries()]
    .map(([layout, n]) => ({ name: layout, layout, weight: Math.round((n / plates.length) * 1000) / 1000, source: 'learned' as const }))
    .filter((f) => f.weight >= MIN_LEARNED_SHARE)
    .sort((a, b) => b.weight - a.weight);
}

import type { Region, RgbImage } from './rgb-image';

/**
 * Plate characters are printed in one ink. A registration or inspection sticker between the
 * groups (round, green, red or blue) is read by the recogniser as an "8" or an "0"; its colour
 * gives it away: its darkest pixels are far more saturated than the other characters'. The rule is
 * relative to the line's own characters, so coloured lettering (red or blue US plates) is not
 * doubted for its colour alone.
 */

/** How much more saturated (0-255 chroma) than the line's typical character a blob must be (small photos are greyish: a sticker may reach only 25). */
const CHROMA_EXCESS = 15;
/** ... and how many times as saturated. */
const CHROMA_RATIO = 2.2;
/** Lines shorter than this have too few characters to say what the ink looks like. */
const MIN_CHARACTERS = 5;
/** Share of a character's column band taken as its ink (the darkest pixels; a thin "I" fills little of it). */
const INK_SHARE = 0.1;
/** How far into the line (in row heights) an end character's colour is looked at again. */
const END_SHIFT = 0.2;
/** Rows of the band looked at: the middle of the line, away from bolts and captions above and below. */
const MIDDLE = 0.6;

/** Mean chroma (max - min channel) of the darkest pixels in a column band of the region. */
export function inkChroma(image: RgbImage, region: Region, centreX: number, halfWidth: number): number {
  const x0 = Math.max(0, Math.floor(centreX - halfWidth));
  const x1 = Math.min(image.width - 1, Math.ceil(centreX + halfWidth));
  const margin = ((1 - MIDDLE) / 2) * region.height;
  const y0 = Math.max(0, Math.floor(region.y + margin));
  const y1 = Math.min(image.height - 1, Math.ceil(region.y + region.height - 1 - margin));
  const pixels: Array<{ luma: number; chroma: number }> = [];
  for (let y = y0; y <= y1; y += 1) {
    for (let x = x0; x <= x1; x += 1) {
      const o = (y * image.width + x) * 3;
      const r = image.data[o];
      const g = image.data[o + 1];
      const b = image.data[o + 2];
      pixels.push({ luma: 0.299 * r + 0.587 * g + 0.114 * b, chroma: Math.max(r, g, b) - Math.min(r, g, b) });
    }
  }
  if (pixels.length === 0) return 0;
  pixels.sort((a, b) => a.luma - b.luma);
  const ink = pixels.slice(0, Math.max(1, Math.round(INK_SHARE * pixels.length)));
  return ink.reduce((sum, p) => sum + p.chroma, 0) / ink.length;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Which characters of a recognised line are coloured blobs rather than characters. `columns` are
 * the characters' centres in source pixels.
 */
export function offColourCharacters(image: RgbImage, region: Region, columns: readonly number[]): boolean[] {
  if (columns.length < MIN_CHARACTERS) return columns.map(() => false);
  // A character is about half as wide as the row is tall; the inner part of that avoids neighbours.
  const halfWidth = Math.max(1, 0.15 * region.height);
  const chroma = columns.map((x) => inkChroma(image, region, x, halfWidth));
  const typical = median(chroma);
  const off = (c: number): boolean => c > typical + CHROMA_EXCESS && c > CHROMA_RATIO * typical;
  return chroma.map((c, i) => {
    if (!off(c)) return false;
    // The recogniser places a line's first and last characters early or late: beside an EU band the
    // column may land on the band. A character is left out only if it is coloured a little further
    // into the line too (a band or sticker read as a character is coloured across its width).
    if (i !== 0 && i !== columns.length - 1) return true;
    const inward = i === 0 ? 1 : -1;
    return off(inkChroma(image, region, columns[i] + inward * END_SHIFT * region.height, halfWidth));
  });
}

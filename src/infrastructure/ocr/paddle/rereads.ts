import type { OcrMode } from '../../../ports/ocr-engine.port';
import { normaliseMeter } from '../../../domain/readings/reading-format';
import type { Recolouring, Region } from './rgb-image';
import { foldLookAlikes } from './text-rows';

/** One more look at the chosen line: a slightly different crop of the photo, the same crop stretched, or smoothed. */
export interface Reread {
  readonly region: Region;
  /** Stretches the region's width (and the recogniser's width cap) before recognition. */
  readonly widthScale: number;
  /** Read from the photo smoothed (each pixel the mean of its 3 x 3 neighbourhood, see smoothedRegion). */
  readonly smoothed?: boolean;
  /** Read from the photo recoloured (see recolouredRegion). */
  readonly recoloured?: Recolouring;
}

/** A plate's row is read again with this share of its height added above and below. */
const PLATE_GROWTH = 0.15;
/** ... and again this many times wider, its characters less squeezed. */
const PLATE_WIDENING = 1.4;
/** A plate's row and a counter's region are read again without this share of their height at the top and at the bottom, */
const INSET_Y = 0.1;
/** ... without this share of its height at each end (a sliver of one digit, whatever the counter's length), */
const METER_INSET_X = 0.05;
/** ... and as it was, this many times wider and narrower, */
const METER_SCALES = [1.4, 0.7] as const;
/** ... and as it was, from the photo grey and inverted. */
const METER_RECOLOURINGS: readonly Recolouring[] = ['grey', 'inverted'];

/**
 * A line read right reads the same from a slightly different crop or scale; a misread (a blurred
 * or noisy photo, a glyph decided by a few pixels) often does not.
 * Plates: the row with 15% more of the photo above and below, as it was 1.4 times wider, without
 * a tenth of its height at the top and bottom, and as it was from the photo smoothed (a glyph that
 * hinges on a few pixels of noise or JPEG blocks reads otherwise once they are averaged out).
 * Meters: the region (a digit roll's whole crop, a counter's row) without a tenth of its height at
 * the top and bottom, without a twentieth of its height at each end, 1.4 times wider and
 * 0.7 times as wide, and from the photo in grey and inverted. The crop insets never take a whole
 * digit off: a digit is 0.5-0.8 of its height wide. Grey averages away colour noise (a noisy "8"
 * read "3" in colour reads "8" in grey); inverted, the recogniser sees the other polarity of the
 * same strokes. Both read a right reading the same almost always (4 of 729 development readings
 * each read otherwise), where the crops and scales doubt many more.
 */
export function rereadsOf(mode: OcrMode, region: Region, photoHeight: number): Reread[] {
  if (mode === 'plate') {
    const grow = Math.round(PLATE_GROWTH * region.height);
    const y = Math.max(0, region.y - grow);
    const taller: Region = { ...region, y, height: Math.min(photoHeight, region.y + region.height + grow) - y };
    return [
      { region: taller, widthScale: 1 },
      { region, widthScale: PLATE_WIDENING },
      { region: insetY(region), widthScale: 1 },
      { region, widthScale: 1, smoothed: true },
    ];
  }
  const dx = Math.min(Math.round(METER_INSET_X * region.height), Math.floor(region.width / 4));
  return [
    { region: insetY(region), widthScale: 1 },
    { region: { ...region, x: region.x + dx, width: Math.max(1, region.width - 2 * dx) }, widthScale: 1 },
    ...METER_SCALES.map((widthScale) => ({ region, widthScale })),
    ...METER_RECOLOURINGS.map((recoloured) => ({ region, widthScale: 1, recoloured })),
  ];
}

/** The region without INSET_Y of its height at the top and at the bottom. */
function insetY(region: Region): Region {
  const dy = Math.round(INSET_Y * region.height);
  return { ...region, y: region.y + dy, height: Math.max(1, region.height - 2 * dy) };
}

/**
 * Whether a re-read reads otherwise than the chosen line: plates compare the raw characters with
 * O/0 and I/1 folded (the layout decides those); meters compare the normalised value.
 */
export function readsOtherwise(mode: OcrMode, reread: string, chosen: { readonly text: string; readonly rawText: string }): boolean {
  if (mode === 'plate') return foldLookAlikes(reread) !== foldLookAlikes(chosen.rawText);
  return normaliseMeter(reread) !== chosen.text;
}

/**
 * Whether a re-read read nothing of the mode's alphabet (meters: no digit). A crop a little smaller
 * or a squeezed width often loses a faint or small line altogether, which says less against the
 * reading than a re-read that reads another value does (see paddleScore).
 */
export function readsNothing(mode: OcrMode, reread: string): boolean {
  return (mode === 'plate' ? foldLookAlikes(reread) : normaliseMeter(reread)) === '';
}

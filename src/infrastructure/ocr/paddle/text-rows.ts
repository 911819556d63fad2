import type { TextBox } from './db-postprocess';
import type { Region } from './rgb-image';

/** O/0 and I/1 are one glyph in most plate fonts: readings that differ only there agree. */
export function foldLookAlikes(text: string): string {
  return text.replace(/O/g, '0').replace(/I/g, '1');
}

export interface TextRow extends Region {
  /** Smallest gap of the row's text to the photo's left/right edge, in unclip distances. */
  readonly edgeGap: number;
}

/** Room between a line's first and last characters and the region's (or the photo's) left and right ends, in character pitches. */
export interface EndRooms {
  readonly left: number;
  readonly right: number;
}

const NO_ROOM_MEASURE: EndRooms = { left: Number.POSITIVE_INFINITY, right: Number.POSITIVE_INFINITY };

/**
 * Room between a line's outermost characters and the ends of the region it was read from, in
 * character pitches (the mean step distance between neighbouring characters), at each end: under
 * about half a pitch, a character touches the photo's edge and the next one was probably cut off.
 */
export function endRooms(characters: ReadonlyArray<{ readonly step: number }>, usedSteps: number): EndRooms {
  if (characters.length < 2) return NO_ROOM_MEASURE;
  const first = characters[0].step;
  const last = characters[characters.length - 1].step;
  const pitch = (last - first) / (characters.length - 1);
  if (pitch <= 0) return NO_ROOM_MEASURE;
  return { left: Math.max(0, first + 0.5) / pitch, right: Math.max(0, usedSteps - last - 0.5) / pitch };
}

/** The smaller of the two end rooms (see endRooms). */
export function endRoom(characters: ReadonlyArray<{ readonly step: number }>, usedSteps: number): number {
  const { left, right } = endRooms(characters, usedSteps);
  return Math.min(left, right);
}

/** endRooms measured to the photo's left and right edges, from the characters' centres in source pixels. */
export function photoEndRooms(centres: readonly number[], photoWidth: number): EndRooms {
  if (centres.length < 2) return NO_ROOM_MEASURE;
  const first = centres[0];
  const last = centres[centres.length - 1];
  const pitch = (last - first) / (centres.length - 1);
  if (pitch <= 0) return NO_ROOM_MEASURE;
  return { left: Math.max(0, first) / pitch, right: Math.max(0, photoWidth - last) / pitch };
}

/** An end character with less room than this (in pitches) sits on the region's first or last step: it is the one cut through. */
export const CUT_THROUGH_ROOM = 0.3;
/** What a character cut through by the photo's edge most often leaves: a bare vertical stroke. */
const BARE_STROKES = 'I1';

/**
 * Whether a line's end character that touches the region's end (see CUT_THROUGH_ROOM) is a bare
 * stroke, I or 1: most likely what is left of a wider character the photo's edge cut through (an
 * "N", "T" or "W" read "I"), not a character of its own.
 */
export function cutStrokeAtEnd(text: string, rooms: EndRooms): boolean {
  if (text.length === 0) return false;
  return (rooms.left < CUT_THROUGH_ROOM && BARE_STROKES.includes(text[0])) || (rooms.right < CUT_THROUGH_ROOM && BARE_STROKES.includes(text[text.length - 1]));
}

/** What a line's ends tell of a cut: the smaller end room and whether a bare stroke sits on a cut end. */
export function endEvidence(characters: ReadonlyArray<{ readonly char: string }>, rooms: EndRooms): { endRoom: number; cutStroke: boolean } {
  return { endRoom: Math.min(rooms.left, rooms.right), cutStroke: cutStrokeAtEnd(characters.map((c) => c.char).join(''), rooms) };
}

/** Boxes whose vertical extents overlap by half the smaller height are one text row. */
export function groupRows(boxes: readonly TextBox[]): TextRow[] {
  const rows: { x0: number; y0: number; x1: number; y1: number; edgeGap: number }[] = [];
  for (const box of [...boxes].sort((a, b) => a.x - b.x)) {
    const row = rows.find((r) => Math.min(r.y1, box.y + box.height) - Math.max(r.y0, box.y) > 0.5 * Math.min(r.y1 - r.y0, box.height));
    if (row) {
      row.x0 = Math.min(row.x0, box.x);
      row.y0 = Math.min(row.y0, box.y);
      row.x1 = Math.max(row.x1, box.x + box.width);
      row.y1 = Math.max(row.y1, box.y + box.height);
      row.edgeGap = Math.min(row.edgeGap, box.edgeGap);
    } else rows.push({ x0: box.x, y0: box.y, x1: box.x + box.width, y1: box.y + box.height, edgeGap: box.edgeGap });
  }
  return rows.map((r) => ({ x: r.x0, y: r.y0, width: r.x1 - r.x0, height: r.y1 - r.y0, edgeGap: r.edgeGap }));
}

import type { ChosenLine } from '../../src/infrastructure/ocr/paddle/line-choice';
import { paddleScore } from '../../src/infrastructure/ocr/paddle/paddle-score';
import { cutStrokeAtEnd, endRoom, endRooms, photoEndRooms } from '../../src/infrastructure/ocr/paddle/text-rows';

function line(text: string, extra: Partial<ChosenLine> = {}): ChosenLine {
  const probabilities = [...text].map(() => 0.97);
  return { text, rawText: text, probabilities, margins: probabilities.map(() => 0.9), formatOk: true, swaps: 0, trimmed: 0, rivals: 0, edgeGap: 5, layoutRank: null, lengthRatio: 1, ...extra };
}

/** Characters every 4 recogniser steps from `first`. */
const steps = (count: number, first: number): Array<{ step: number }> => Array.from({ length: count }, (_, i) => ({ step: first + 4 * i }));

describe('plate confidence: a bare stroke where the photo was cut', () => {
  it('given characters on the recogniser steps, then the room at each end is measured in character pitches', () => {
    // 7 characters from step 0 to 24 of 40 used steps: pitch 4; half a step left, 15.5 steps right.
    expect(endRooms(steps(7, 0), 40)).toEqual({ left: 0.5 / 4, right: 15.5 / 4 });
    expect(endRoom(steps(7, 0), 40)).toBe(0.5 / 4);
    expect(photoEndRooms([10, 30, 50], 55)).toEqual({ left: 0.5, right: 0.25 });
  });

  it('given an I or a 1 touching the cut end, then it is a cut stroke; other characters, or room to spare, are not', () => {
    const touchingLeft = { left: 0.1, right: 3 };
    const touchingRight = { left: 3, right: 0.2 };
    expect(cutStrokeAtEnd('IZM5430', touchingLeft)).toBe(true);
    expect(cutStrokeAtEnd('1359973', touchingLeft)).toBe(true);
    expect(cutStrokeAtEnd('ABC1231', touchingRight)).toBe(true);
    // The same characters with room to the end: read whole, as printed.
    expect(cutStrokeAtEnd('IZM5430', { left: 1.2, right: 3 })).toBe(false);
    // The touching end is not the stroke's end, or the touching character is no bare stroke.
    expect(cutStrokeAtEnd('IZM5430', touchingRight)).toBe(false);
    expect(cutStrokeAtEnd('NZM5430', touchingLeft)).toBe(false);
    expect(cutStrokeAtEnd('', touchingLeft)).toBe(false);
  });

  it('given a plate reading with a cut stroke, then its score is under a third of the same reading without', () => {
    const plain = paddleScore(line('IZM5430', { endRoom: 0.1 }), 'plate', 1);
    const cut = paddleScore(line('IZM5430', { endRoom: 0.1, cutStroke: true }), 'plate', 1);
    expect(cut).toBeCloseTo(0.3 * plain, 6);
  });
});

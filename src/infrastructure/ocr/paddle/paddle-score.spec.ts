import type { ChosenLine } from './line-choice';
import { isolatedLookAlikes, paddleScore } from './paddle-score';

function line(text: string, layoutRank: number | null = null): ChosenLine {
  const probabilities = [...text].map(() => 0.97);
  return { text, rawText: text, probabilities, margins: probabilities.map(() => 0.9), formatOk: true, swaps: 0, trimmed: 0, rivals: 0, edgeGap: 5, layoutRank, lengthRatio: 1 };
}

describe('plate score', () => {
  it('counts look-alikes of the other kind amid their neighbours', () => {
    expect(isolatedLookAlikes('RK857A1')).toBe(1);
    expect(isolatedLookAlikes('HLOKTY7')).toBe(0);
    expect(isolatedLookAlikes('HL0KTY7')).toBe(1);
    expect(isolatedLookAlikes('AB1O23')).toBe(2);
    expect(isolatedLookAlikes('AB12CD')).toBe(0);
    expect(isolatedLookAlikes('12O45')).toBe(1);
    expect(isolatedLookAlikes('ABC1234')).toBe(0);
  });

  it('given a 0 among letters without a layout, then the score is lower than for a plain letter there; with a layout, it is not', () => {
    expect(paddleScore(line('PP587A0'), 'plate', 1)).toBeLessThan(0.7 * paddleScore(line('PP587AX'), 'plate', 1));
    expect(paddleScore(line('PP587A0', 0), 'plate', 1)).toBeCloseTo(paddleScore(line('PP587AX', 0), 'plate', 1));
  });

  it('given a sticker left out of the line, then the score is lower', () => {
    expect(paddleScore({ ...line('BZM2227'), dropped: 1 }, 'plate', 1)).toBeLessThan(paddleScore(line('BZM2227'), 'plate', 1));
  });
});

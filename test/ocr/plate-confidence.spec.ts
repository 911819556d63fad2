import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import type { ChosenLine } from '../../src/infrastructure/ocr/paddle/line-choice';
import { PaddleOcrEngine } from '../../src/infrastructure/ocr/paddle/paddle-ocr.engine';
import { endRoomFactor, paddleScore, plateLengthPrior } from '../../src/infrastructure/ocr/paddle/paddle-score';

jest.setTimeout(60_000);

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'ocr-dev');

function line(text: string, extra: Partial<ChosenLine> = {}): ChosenLine {
  const probabilities = [...text].map(() => 0.97);
  return { text, rawText: text, probabilities, margins: probabilities.map(() => 0.9), formatOk: true, swaps: 0, trimmed: 0, rivals: 0, edgeGap: 5, layoutRank: null, lengthRatio: 1, ...extra };
}

describe('plate confidence', () => {
  const paddle = new PaddleOcrEngine();
  beforeAll(() => paddle.start());
  afterAll(() => paddle.stop());

  // A crop that cuts the plate's last characters off still reads as a well-formed plate with
  // confident characters; that its outermost character touches the photo's edge gives it away.
  it.each(['plate_001.png', 'plate_051.png', 'plate_060.png'])('given the real plate %s with its last characters cut off, then the score is under a fifth of the whole plate\'s', async (name) => {
    const photo = await fs.readFile(path.join(FIXTURES, name));
    const { width = 0, height = 0 } = await sharp(photo).metadata();
    const cut = await sharp(photo).extract({ left: 0, top: 0, width: Math.round(width * 0.8), height }).png().toBuffer();
    const whole = await paddle.recognize(photo, 'plate');
    const partial = await paddle.recognize(cut, 'plate');
    expect(partial.text).not.toBe(whole.text);
    expect(partial.score).toBeLessThan(0.2 * whole.score);
  });

  it('given plate readings of unusual length, then the score is lower than for 6 or 7 characters', () => {
    expect(plateLengthPrior(7)).toBe(1);
    expect(plateLengthPrior(6)).toBe(1);
    expect(paddleScore(line('AB12'), 'plate', 1)).toBeLessThan(0.5 * paddleScore(line('AB1234'), 'plate', 1));
    expect(paddleScore(line('ABC12345D'), 'plate', 1)).toBeLessThan(0.5 * paddleScore(line('ABC1234'), 'plate', 1));
  });

  it('given a plate reading that fits no known layout, then the score is lower than for one that does', () => {
    expect(paddleScore(line('AB3C45D'), 'plate', 1)).toBeLessThan(0.7 * paddleScore(line('ABC1234'), 'plate', 1));
  });

  it('given a re-read from a taller crop that disagrees, or a character touching the end of the row, then the score is lower', () => {
    expect(paddleScore(line('ABC1234', { disagreement: 1 }), 'plate', 1)).toBeLessThan(0.7 * paddleScore(line('ABC1234'), 'plate', 1));
    // Both re-reads (taller, wider) disagreeing doubt it more than one.
    expect(paddleScore(line('ABC1234', { disagreement: 2 }), 'plate', 1)).toBeLessThan(0.7 * paddleScore(line('ABC1234', { disagreement: 1 }), 'plate', 1));
    expect(endRoomFactor(undefined)).toBe(1);
    expect(endRoomFactor(1.5)).toBe(1);
    expect(endRoomFactor(0.6)).toBeLessThan(endRoomFactor(0.2));
    expect(endRoomFactor(0.2)).toBe(1);
    expect(paddleScore(line('ABC1234', { endRoom: 0.6 }), 'plate', 1)).toBeLessThan(0.2 * paddleScore(line('ABC1234', { endRoom: 2 }), 'plate', 1));
  });

  // Re-reads that read otherwise doubt meters too (per digit: test/ocr/meter-rereads.spec.ts).
  it('given a meter reading, then none of the plate rules applies', () => {
    expect(paddleScore(line('42', { endRoom: 0.6 }), 'meter', 1)).toBeCloseTo(paddleScore(line('42'), 'meter', 1));
  });
});

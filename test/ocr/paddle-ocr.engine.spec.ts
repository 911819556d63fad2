import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { UnprocessableError } from '../../src/domain/shared/errors';
import { CalibratedOcrEngine } from '../../src/infrastructure/ocr/calibration/calibrated-ocr.engine';
import { defaultActiveCalibrations } from '../../src/infrastructure/ocr/calibration/default-calibrations';
import { MutableOcrCalibrations } from '../../src/ports/ocr-calibrations.port';
import type { OcrMode } from '../../src/ports/ocr-engine.port';
import { PADDLE_ENGINE_ID, PaddleOcrEngine } from '../../src/infrastructure/ocr/paddle/paddle-ocr.engine';
import { notAnImage } from '../support/photos';

jest.setTimeout(60_000);

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'ocr-dev');
const photo = (name: string): Promise<Buffer> => fs.readFile(path.join(FIXTURES, name));

/** Removes 30% of the width on the left: the crop a hurried guard sends, missing a character. */
async function cutLeft(png: Buffer): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(png).metadata();
  const cut = Math.round(width * 0.3);
  return sharp(png).extract({ left: cut, top: 0, width: width - cut, height }).png().toBuffer();
}

/** Real digit-roll crops side by side on a dark strip: a whole counter. */
async function counter(names: readonly string[]): Promise<Buffer> {
  const crops = await Promise.all(names.map(async (n) => sharp(await photo(n)).resize({ height: 100 }).png().toBuffer()));
  const widths = await Promise.all(crops.map(async (c) => (await sharp(c).metadata()).width ?? 0));
  const gap = 6;
  const width = widths.reduce((a, b) => a + b + gap, gap);
  let left = gap;
  const composite = crops.map((input, i) => {
    const placed = { input, left, top: 12 };
    left += widths[i] + gap;
    return placed;
  });
  return sharp({ create: { width, height: 124, channels: 3, background: '#1d2a2e' } }).composite(composite).png().toBuffer();
}

describe('PaddleOCR engine on real crops', () => {
  const paddle = new PaddleOcrEngine();
  const calibrated = new CalibratedOcrEngine(paddle, new MutableOcrCalibrations(defaultActiveCalibrations()));
  const read = (png: Buffer, mode: OcrMode) => calibrated.recognize(png, mode);

  beforeAll(() => calibrated.start());
  afterAll(() => calibrated.stop());

  it('given real plate crops with a city line, bolts and a cut border, then the plate line is read exactly and mostly trusted', async () => {
    const confidences: Record<string, number> = {};
    for (const [name, truth] of [
      ['plate_001.png', 'AYO9034'],
      ['plate_037.png', 'NZJ6581'],
      ['plate_051.png', 'OKM2371'],
      ['plate_060.png', 'OLE5095'],
      ['plate_101.png', 'PJT2905'],
    ]) {
      const result = await read(await photo(name), 'plate');
      expect({ name, text: result.text }).toEqual({ name, text: truth });
      confidences[name] = result.confidence;
      expect(result).toMatchObject({ engineName: 'paddle', engine: PADDLE_ENGINE_ID, calibrationId: expect.stringMatching(/^dev-paddle-plate-/) });
    }
    // The calibration is fitted on degraded and foreign plates too, so a right read may now fall
    // just under 0.7 (plate_101: 0.592): captured for a person, never a confident misread.
    expect(Object.values(confidences).filter((c) => c >= 0.7).length).toBeGreaterThanOrEqual(4);
  });

  it('given a real plate photo ruined by JPEG compression, then the misread is less than 70% likely right and goes to capture', async () => {
    const ruined = await sharp(await photo('plate_037.png')).jpeg({ quality: 5 }).toBuffer();
    const result = await read(ruined, 'plate');
    expect(result.text).not.toBe('NZJ6581');
    expect(result.confidence).toBeLessThan(0.7);
  });

  // The cut reading ("YO9034", score 0.27 against the whole plate's 0.75: a character on the cut
  // end, text running into the photo's edge) was captured under the previous plate calibration
  // (Platt, 0.63). The refitted one (isotonic, chosen by cross-validated log loss, issue 17) finds
  // readings that score like it right about three times in four on the pooled development photos,
  // and puts it at 0.74: no longer captured, a loss docs/BENCHMARKS.md lists.
  it('given a crop that cuts a character off, then the reading loses score and confidence against the whole plate', async () => {
    const whole = await read(await photo('plate_001.png'), 'plate');
    const cut = await read(await cutLeft(await photo('plate_001.png')), 'plate');
    expect(cut.text).not.toBe('AYO9034');
    expect(cut.score).toBeLessThan(0.5 * whole.score);
    expect(cut.confidence).toBeLessThan(whole.confidence);
  });

  it('given real digit rolls too small for the detector, then each digit is recognised from the whole crop', async () => {
    for (const [name, truth] of [
      ['digit_005.png', '0'],
      ['digit_023.png', '2'],
      ['digit_047.png', '4'],
      ['digit_088.png', '8'],
    ]) {
      const result = await read(await photo(name), 'meter');
      expect({ name, text: result.text, value: result.value }).toEqual({ name, text: truth, value: Number(truth) });
    }
  });

  it('given a whole counter of several real digit rolls, then it reads as one value', async () => {
    const result = await read(await counter(['digit_088.png', 'digit_023.png', 'digit_005.png', 'digit_047.png']), 'meter');
    expect(result.text).toBe('8204');
    expect(result.value).toBe(8204);
  });

  it('given a plate photo read in meter mode, then the constrained alphabet yields digits only', async () => {
    const result = await paddle.recognize(await photo('plate_001.png'), 'meter');
    expect(result.text).toMatch(/^[0-9.]*$/);
    expect(result.text).toContain('9034');
  });

  it('given a blank photo, then nothing is read and confidence is 0; given bytes that are no image, then 422', async () => {
    const blank = await sharp({ create: { width: 200, height: 80, channels: 3, background: '#e0e0e0' } }).png().toBuffer();
    expect(await read(blank, 'plate')).toMatchObject({ text: '', confidence: 0, score: 0 });
    await expect(read(notAnImage(), 'meter')).rejects.toBeInstanceOf(UnprocessableError);
  });

  it('given a stopped engine, then it refuses work until started again', async () => {
    const engine = new PaddleOcrEngine();
    await expect(engine.recognize(await photo('digit_023.png'), 'meter')).rejects.toThrow(/not started/);
    await engine.start();
    expect((await engine.recognize(await photo('digit_023.png'), 'meter')).text).toBe('2');
    await engine.stop();
    await expect(engine.recognize(await photo('digit_023.png'), 'meter')).rejects.toThrow(/not started/);
  });
});

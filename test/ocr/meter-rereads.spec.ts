import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { CalibratedOcrEngine } from '../../src/infrastructure/ocr/calibration/calibrated-ocr.engine';
import { defaultActiveCalibrations } from '../../src/infrastructure/ocr/calibration/default-calibrations';
import type { ChosenLine } from '../../src/infrastructure/ocr/paddle/line-choice';
import { PaddleOcrEngine } from '../../src/infrastructure/ocr/paddle/paddle-ocr.engine';
import { paddleScore, weakestCharacter } from '../../src/infrastructure/ocr/paddle/paddle-score';
import { readsNothing, readsOtherwise, rereadsOf } from '../../src/infrastructure/ocr/paddle/rereads';
import { recolouredRegion } from '../../src/infrastructure/ocr/paddle/rgb-image';
import { MutableOcrCalibrations } from '../../src/ports/ocr-calibrations.port';
import { evaluateOcr, sourcePhoto, type OcrTrial } from '../../src/ml/ocr-evaluation';
import { VARIANTS } from '../../scripts/degrade-ocr-set';
import { renderMeterPhoto } from '../support/photos';
import { OCR_DEV_DIR, devSetsPresent, loadSet } from './ocr-dev-set';

jest.setTimeout(60_000);

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'ocr-dev');

function meterLine(text: string, disagreement: number, rereadsReadingNothing = 0): ChosenLine {
  const probabilities = [...text].map(() => 0.97);
  return { text, rawText: text, probabilities, margins: probabilities.map(() => 0.9), formatOk: true, swaps: 0, trimmed: 0, rivals: 0, edgeGap: 5, layoutRank: null, lengthRatio: 1, disagreement, rereadsReadingNothing };
}

describe('meter confidence: the chosen line re-read from other crops and scales', () => {
  it('given re-reads that read a counter as another value, then each lowers the score x0.3 per digit (the meter calibration is per digit)', () => {
    const digit = (d: number) => paddleScore(meterLine('7', d), 'meter', 0);
    expect(digit(1) / digit(0)).toBeCloseTo(0.3, 6);
    expect(digit(3) / digit(0)).toBeCloseTo(0.3 ** 3, 6);
    // Six digits: the score's sixth root, which the per-digit calibration reads, drops like one digit's.
    const counter = (d: number) => paddleScore(meterLine('004512', d), 'meter', 0);
    expect((counter(2) / counter(0)) ** (1 / 6)).toBeCloseTo(0.3 ** 2, 6);
  });

  it('given re-reads that read nothing, then each lowers the score only x0.6 per digit, less than one reading another value', () => {
    const digit = (d: number, nothing: number) => paddleScore(meterLine('7', d, nothing), 'meter', 0);
    expect(digit(1, 1) / digit(0, 0)).toBeCloseTo(0.6, 6);
    expect(digit(3, 2) / digit(0, 0)).toBeCloseTo(0.6 ** 2 * 0.3, 6);
    const counter = (d: number, nothing: number) => paddleScore(meterLine('004512', d, nothing), 'meter', 0);
    expect((counter(2, 2) / counter(0, 0)) ** (1 / 6)).toBeCloseTo(0.6 ** 2, 6);
    expect(readsNothing('meter', '')).toBe(true);
    expect(readsNothing('meter', '.')).toBe(true);
    expect(readsNothing('meter', '7')).toBe(false);
  });

  it('given a plate, then a re-read that reads nothing still lowers the score x0.6 like any other (plate scores unchanged)', () => {
    const plate = (d: number, nothing: number) => paddleScore({ ...meterLine('ABC1234', d, nothing), layoutRank: null }, 'plate', 1);
    expect(plate(1, 1) / plate(0, 0)).toBeCloseTo(0.6, 6);
    expect(plate(1, 0) / plate(0, 0)).toBeCloseTo(0.6, 6);
  });

  it('given a counter with one doubtful digit among sure ones, then its score is that of as many digits as doubtful (the calibration is per digit)', () => {
    const line = { ...meterLine('12365', 0), probabilities: [0.99, 0.99, 0.98, 0.34, 0.04], margins: [0.98, 0.98, 0.96, 0.05, 0.01] };
    const perDigit = paddleScore(line, 'meter', 0) ** (1 / 5);
    expect(perDigit).toBeCloseTo(weakestCharacter(line.probabilities, line.margins), 6);
    expect(perDigit).toBeCloseTo(0.7 * 0.04 + 0.3 * 0.01, 6);
    // A single digit is its own weakest.
    expect(paddleScore({ ...meterLine('5', 0), probabilities: [0.04], margins: [0.01] }, 'meter', 0)).toBeCloseTo(0.7 * 0.04 + 0.3 * 0.01, 6);
  });

  it('given a counter region, then it is re-read six times inside it, the insets a sliver of one digit, and in grey and inverted', () => {
    const region = { x: 40, y: 20, width: 300, height: 60 };
    const rereads = rereadsOf('meter', region, 200);
    expect(rereads).toHaveLength(6);
    expect(rereads.filter((r) => r.recoloured !== undefined)).toEqual([
      { region, widthScale: 1, recoloured: 'grey' },
      { region, widthScale: 1, recoloured: 'inverted' },
    ]);
    for (const { region: r } of rereads) {
      expect(r.x).toBeGreaterThanOrEqual(region.x);
      expect(r.y).toBeGreaterThanOrEqual(region.y);
      expect(r.x + r.width).toBeLessThanOrEqual(region.x + region.width);
      expect(r.y + r.height).toBeLessThanOrEqual(region.y + region.height);
      // A digit is at least half its height wide: no re-read loses more than a fifth of one at an end.
      expect(r.x - region.x).toBeLessThanOrEqual(0.1 * region.height);
    }
    expect(rereads.map((r) => r.widthScale).sort()).toEqual([0.7, 1, 1, 1, 1, 1.4]);
    expect(readsOtherwise('meter', '0045.12', { text: '0045.12', rawText: '0045.12' })).toBe(false);
    expect(readsOtherwise('meter', '004542', { text: '004512', rawText: '004512' })).toBe(true);
    expect(readsOtherwise('meter', '', { text: '004512', rawText: '004512' })).toBe(true);
  });

  it('given a region, then the grey and inverted cut-outs recolour each pixel and keep the region in place', () => {
    const data = new Uint8Array(3 * 6 * 4);
    for (let i = 0; i < data.length; i += 3) data.set([200, 100, 50], i);
    const image = { data, width: 6, height: 4 };
    const region = { x: 2, y: 1, width: 3, height: 2 };
    const grey = recolouredRegion(image, region, 'grey');
    expect(grey.region).toEqual({ x: 1, y: 1, width: 3, height: 2 });
    expect(grey.image.width).toBe(5);
    expect(grey.image.height).toBe(4);
    expect([...grey.image.data.slice(0, 3)]).toEqual([Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50), Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50), Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50)]);
    const inverted = recolouredRegion(image, region, 'inverted');
    expect([...inverted.image.data.slice(0, 3)]).toEqual([55, 155, 205]);
    expect(inverted.region).toEqual(grey.region);
  });

  describe('the default engine with the shipped calibration', () => {
    const engine = new CalibratedOcrEngine(new PaddleOcrEngine(), new MutableOcrCalibrations(defaultActiveCalibrations()));
    beforeAll(() => engine.start());
    afterAll(() => engine.stop());

    // Generated counters blurred until they are misread, confidently before (calibrated 0.78, 0.78
    // and 0.71): re-read from a slightly smaller crop or stretched, each reads otherwise, so the
    // misreads are doubted and captured.
    it.each([
      ['95', 8],
      ['17', 8],
      ['640', 9],
    ])('given the counter %s blurred (sigma %d) and misread, then it is below 0.7 and captured', async (text, blur) => {
      const result = await engine.recognize(await renderMeterPhoto(text, { blur }), 'meter');
      expect(result.text).not.toBe('');
      expect(result.text).not.toBe(text);
      expect(result.confidence).toBeLessThan(0.7);
    });

    // The same, confidently before a counter's characters counted as that many of its weakest
    // (calibrated 0.76 and 0.84 with the grey and inverted re-reads, which agree on a grey photo).
    it.each([
      ['12345', 8],
      ['640', 10],
    ])('given the counter %s blurred (sigma %d, seed 7) and misread with one doubtful digit, then it is below 0.7', async (text, blur) => {
      const result = await engine.recognize(await renderMeterPhoto(text, { blur, seed: 7 }), 'meter');
      expect(result.text).not.toBe('');
      expect(result.text).not.toBe(text);
      expect(result.confidence).toBeLessThan(0.7);
    });

    it.each(['004512', '38907', '731.4'])('given the sharp counter %s, then it is read right at 0.7 or more', async (text) => {
      const result = await engine.recognize(await renderMeterPhoto(text), 'meter');
      expect(result.text).toBe(text);
      expect(result.confidence).toBeGreaterThanOrEqual(0.7);
    });

    it.each([
      ['digit_005.png', '0'],
      ['digit_047.png', '4'],
    ])('given the real digit roll %s, then it is read right at 0.7 or more', async (name, truth) => {
      const result = await engine.recognize(await fs.readFile(path.join(FIXTURES, name)), 'meter');
      expect(result.text).toBe(truth);
      expect(result.confidence).toBeGreaterThanOrEqual(0.7);
    });
  });
});

const describeDevSets = devSetsPresent() ? describe : describe.skip;

/**
 * The pooled aim of docs/BENCHMARKS.md "OCR figures": the development meters and their seven degraded copies
 * (`npm run degrade:ocr`, made here in memory the same way), calibrated out of fold with folds
 * grouped by source photo, as `npm run eval:ocr` measures them. Measured: 729/800 exact, misreads
 * at >= 0.7 6 of 71 (14 with the four crop and scale re-reads alone, each reading otherwise x0.6;
 * 11 once a re-read reading another value counted x0.3 and one reading nothing x0.6; 6 with the
 * grey and inverted re-reads), right readings below 0.7 15 of 729. The aim (misreads >= 0.7 <= 5%)
 * is not met.
 */
describeDevSets('meter confidence on the development meters and their degraded copies (PaddleOCR, out of fold)', () => {
  const engine = new PaddleOcrEngine({ threads: 1 });
  beforeAll(() => engine.start());
  afterAll(() => engine.stop());

  it('given the 800 photos, then at most 6 of the misreads are at >= 0.7 and at most 15 right readings below', async () => {
    const trials: OcrTrial[] = [];
    const read = async (name: string, truth: string, photo: Buffer): Promise<void> => {
      const result = await engine.recognize(photo, 'meter');
      trials.push({ name, truth, text: result.text, score: result.score, ms: 0, group: sourcePhoto(name) });
    };
    for (const photo of await loadSet('meters')) {
      const image = await fs.readFile(photo.file);
      const { width = 0, height = 0 } = await sharp(image).metadata();
      await read(photo.name, photo.truth, image);
      for (const [variant, make] of Object.entries(VARIANTS)) {
        await read(`${variant}__${path.basename(photo.name, path.extname(photo.name))}.png`, photo.truth, await make(image, width, height, `${variant}:${photo.name}`));
      }
    }
    const e = evaluateOcr(trials, 5);
    const wrong = e.photos - e.exact;
    const misreadsConfident = Math.round((e.misreadsConfident ?? 0) * wrong);
    const rightUnconfident = Math.round((e.rightUnconfident ?? 0) * e.exact);
    process.stdout.write(`meters + degraded (${OCR_DEV_DIR}): ${e.exact}/${e.photos} exact, misreads >= 0.7 ${misreadsConfident} of ${wrong}, right < 0.7 ${rightUnconfident} of ${e.exact}\n`);
    expect(e.photos).toBe(800);
    expect(e.exact).toBeGreaterThanOrEqual(729);
    expect(misreadsConfident).toBeLessThanOrEqual(6);
    expect(rightUnconfident).toBeLessThanOrEqual(15);
  }, 300_000);
});

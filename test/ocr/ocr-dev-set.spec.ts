import { TesseractOcrEngine } from '../../src/infrastructure/ocr/tesseract-ocr.engine';
import { CalibratedOcrEngine } from '../../src/infrastructure/ocr/calibration/calibrated-ocr.engine';
import { defaultActiveCalibrations } from '../../src/infrastructure/ocr/calibration/default-calibrations';
import { MutableOcrCalibrations } from '../../src/ports/ocr-calibrations.port';
import { PaddleOcrEngine } from '../../src/infrastructure/ocr/paddle/paddle-ocr.engine';
import { configuredFormats, resolvePlate } from '../../src/domain/readings/plate-formats';
import { type SetScore, devSetsPresent, loadSet, scoreSet } from './ocr-dev-set';

jest.setTimeout(180_000);

const describeDevSets = devSetsPresent() ? describe : describe.skip;

/**
 * Real photos (a fixed every-5th subset, to keep the run short; bench/ocr.bench.ts measures the
 * full sets). Floors sit a little under what was measured on the subset, so a regression in
 * preparation, reading or confidence fails here. Measured with engine line-variants-v1:
 * plates 14/23 exact, 11/11 right at >= 0.7; meters 11/20 exact, 7/7 right at >= 0.7;
 * every wrong reading in both subsets was below 0.7.
 */
describeDevSets('OCR on the real ocr-dev photos', () => {
  const engine = new TesseractOcrEngine({ poolSize: 2 });
  const report = (set: string, s: SetScore): void => {
    process.stdout.write(
      `${set}: exact ${s.exact}/${s.count} (${(100 * s.exactRate).toFixed(0)}%), ` +
        `conf>=0.7: ${s.confident} at ${(100 * s.accuracyConfident).toFixed(0)}% right, ` +
        `conf<0.7: ${(100 * s.accuracyUnconfident).toFixed(0)}% right, wrong caught ${(100 * s.wrongCaught).toFixed(0)}%\n`,
    );
  };
  beforeAll(() => engine.start());
  afterAll(() => engine.stop());

  it('given real plate crops, then most read exactly and confident readings are almost always right', async () => {
    const score = await scoreSet(engine, await loadSet('plates', 5), 'plate');
    report('plates', score);
    expect(score.exactRate).toBeGreaterThanOrEqual(0.55);
    expect(score.confident).toBeGreaterThanOrEqual(7);
    expect(score.accuracyConfident).toBeGreaterThanOrEqual(0.9);
    expect(score.accuracyConfident).toBeGreaterThan(score.accuracyUnconfident);
    expect(score.wrongCaught).toBeGreaterThanOrEqual(0.9);
  });

  it('given real meter digit crops, then digits read and confident readings are almost always right', async () => {
    const score = await scoreSet(engine, await loadSet('meters', 5), 'meter');
    report('meters', score);
    expect(score.exactRate).toBeGreaterThanOrEqual(0.4);
    expect(score.confident).toBeGreaterThanOrEqual(4);
    expect(score.accuracyConfident).toBeGreaterThanOrEqual(0.85);
    expect(score.accuracyConfident).toBeGreaterThan(score.accuracyUnconfident);
    expect(score.wrongCaught).toBeGreaterThanOrEqual(0.9);
  });
});

/**
 * The default engine on the same subsets. Measured: plates 23/23 exact (22 confident, all right),
 * meters 19/20 exact (20 confident, 19 right)
 * (the full sets: 112/114 and 97/100, `npm run eval:ocr`); floors leave room for one or two misses.
 */
describeDevSets('PaddleOCR (default engine, shipped calibration) on the real ocr-dev photos', () => {
  const engine = new CalibratedOcrEngine(new PaddleOcrEngine(), new MutableOcrCalibrations(defaultActiveCalibrations()));
  beforeAll(() => engine.start());
  afterAll(() => engine.stop());

  for (const [set, mode, floor] of [
    ['plates', 'plate', 0.85],
    ['meters', 'meter', 0.9],
  ] as const) {
    it(`given real ${set}, then at least ${floor * 100}% read exactly and confident readings are right`, async () => {
      const score = await scoreSet(engine, await loadSet(set, 5), mode);
      process.stdout.write(`paddle ${set}: exact ${score.exact}/${score.count}, conf>=0.7: ${score.confident} at ${(100 * score.accuracyConfident).toFixed(0)}% right\n`);
      expect(score.exactRate).toBeGreaterThanOrEqual(floor);
      expect(score.confident).toBeGreaterThanOrEqual(Math.floor(score.count * 0.8));
      expect(score.accuracyConfident).toBeGreaterThanOrEqual(0.9);
    });
  }
});

/**
 * The floors of the development sets, full sets, read as production reads them: the default
 * engine, the shipped calibration, and for Brazil also with BR configured (the capture's plate step).
 */
describeDevSets('development-set floors (PaddleOCR, shipped calibration)', () => {
  const engine = new CalibratedOcrEngine(new PaddleOcrEngine(), new MutableOcrCalibrations(defaultActiveCalibrations()));
  beforeAll(() => engine.start());
  afterAll(() => engine.stop());
  const withFormats = (score: SetScore, formats: readonly string[]): Array<{ right: boolean; confidence: number }> =>
    score.results.map(({ photo, result }) => {
      const resolved = resolvePlate(result.text, result.confidence, configuredFormats(formats));
      return { right: resolved.text === photo.truth, confidence: resolved.confidence };
    });
  const share = (xs: Array<{ right: boolean; confidence: number }>, right: boolean, confident: boolean): number => {
    const of = xs.filter((x) => x.right === right);
    return of.length === 0 ? 0 : of.filter((x) => x.confidence >= 0.7 === confident).length / of.length;
  };

  it('given the Brazilian plates, then >= 95% exact by default and >= 98% with BR configured', async () => {
    const score = await scoreSet(engine, await loadSet('plates'), 'plate');
    const br = withFormats(score, ['BR']);
    process.stdout.write(`plates default ${score.exact}/${score.count}, BR ${br.filter((x) => x.right).length}/${br.length}\n`);
    expect(score.exactRate).toBeGreaterThanOrEqual(0.95);
    expect(br.filter((x) => x.right).length / br.length).toBeGreaterThanOrEqual(0.98);
  });

  it('given the EU and US plates, then they read at the measured floor and misreads are mostly captured', async () => {
    const score = await scoreSet(engine, await loadSet('plates-euus'), 'plate');
    const xs = withFormats(score, []);
    process.stdout.write(`plates-euus ${score.exact}/${score.count}, misreads >= 0.7 ${share(xs, false, true).toFixed(3)}, right < 0.7 ${share(xs, true, false).toFixed(3)}\n`);
    // Measured 197/254 as labeled (201 with the reviewed labels of scripts/ocr-dev-truth-fixes.tsv),
    // misreads >= 0.7 19.3% (11 of 57: 4 of them the reviewed labels eu_005/012/025/046, which the
    // engine reads as the photos show; 12 before the inset and smoothed re-reads), right < 0.7 13.2%
    // (26 of 197). The pooled aims (dev + degraded copies, misreads >= 0.7 <= 5%, right < 0.7 <= 15%)
    // are measured with npm run eval:ocr (see README); this set alone is guarded against regressions.
    expect(score.exactRate).toBeGreaterThanOrEqual(0.77);
    expect(share(xs, false, true)).toBeLessThanOrEqual(0.2);
    expect(share(xs, true, false)).toBeLessThanOrEqual(0.14);
  });

  it('given the meters, then >= 95% exact', async () => {
    const score = await scoreSet(engine, await loadSet('meters'), 'meter');
    expect(score.exactRate).toBeGreaterThanOrEqual(0.95);
  });
});

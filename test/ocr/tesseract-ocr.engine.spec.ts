import { UnavailableError, UnprocessableError } from '../../src/domain/shared/errors';
import type { OcrMode } from '../../src/ports/ocr-engine.port';
import { TesseractOcrEngine } from '../../src/infrastructure/ocr/tesseract-ocr.engine';
import { notAnImage, renderMeterPhoto, renderPlatePhoto, truncatedPng, type DegradeOptions } from '../support/photos';

jest.setTimeout(120_000);

describe('TesseractOcrEngine on generated photos', () => {
  const engine = new TesseractOcrEngine({ poolSize: 2 });
  beforeAll(() => engine.start());
  afterAll(() => engine.stop());

  it.each([
    ['004512.7', {}],
    ['12345', { inverted: true }],
    ['0871.25', { noise: 10, seed: 3 }],
  ])('given a clear meter photo of %s, when recognised, then the value is read with confidence >= 0.7', async (reading, opts) => {
    const result = await engine.recognize(await renderMeterPhoto(reading, opts), 'meter');
    expect(result).toMatchObject({ text: reading, value: Number(reading), unit: null });
    expect(result.confidence).toBeGreaterThanOrEqual(0.7);
  });

  it.each([['ABC1234'], ['BRA2E19'], ['XY12ZAB']])('given a clear plate photo of %s, when recognised, then it reads right with confidence >= 0.7', async (plate) => {
    const result = await engine.recognize(await renderPlatePhoto(plate), 'plate');
    expect(result.text).toBe(plate);
    expect(result.value).toBeNull();
    expect(result.confidence).toBeGreaterThanOrEqual(0.7);
  });

  it('given a plate written with spaces and a dash, when recognised, then the plate is normalised', async () => {
    const result = await engine.recognize(await renderPlatePhoto('ABC-1234'), 'plate');
    expect(result.text).toBe('ABC1234');
  });

  it('given heavily degraded photos, when recognised, then most are sent to capture (< 0.7) and few misreads look confident', async () => {
    const degradations: DegradeOptions[] = [
      { blur: 5 },
      { blur: 7 },
      { noise: 150, contrast: 0.5, seed: 11 },
      { contrast: 0.12, noise: 25, seed: 5 },
      { downscale: 0.12 },
      { downscale: 0.12, blur: 1.5, jpegQuality: 5 },
    ];
    const subjects: Array<[OcrMode, string]> = [
      ['meter', '004512.7'],
      ['meter', '3907'],
      ['plate', 'KMN4821'],
      ['plate', 'QRT7D55'],
    ];
    const outcomes: Array<{ low: boolean; right: boolean }> = [];
    for (const [mode, truth] of subjects) {
      for (const d of degradations) {
        const photo = mode === 'meter' ? await renderMeterPhoto(truth, d) : await renderPlatePhoto(truth, d);
        const result = await engine.recognize(photo, mode);
        outcomes.push({ low: result.confidence < 0.7, right: result.text === truth });
      }
    }
    const lowRate = outcomes.filter((o) => o.low).length / outcomes.length;
    const confidentMisreads = outcomes.filter((o) => !o.low && !o.right).length;
    expect(lowRate).toBeGreaterThanOrEqual(LOW_RATE_FLOOR);
    expect(confidentMisreads).toBeLessThanOrEqual(1);
  });

  it('given a blank photo, when recognised, then the text is empty with confidence 0', async () => {
    const result = await engine.recognize(await renderMeterPhoto(''), 'meter');
    expect(result).toMatchObject({ text: '', value: null, confidence: 0 });
  });

  it.each([
    ['a PDF', async () => notAnImage()],
    ['a truncated PNG', truncatedPng],
    ['empty bytes', async () => Buffer.alloc(0)],
  ])('given %s, when recognised, then UnprocessableError', async (_what, make) => {
    await expect(engine.recognize(await make(), 'plate')).rejects.toBeInstanceOf(UnprocessableError);
  });

  it('given a stopped engine, when recognising, then UnavailableError instead of a hang', async () => {
    const idle = new TesseractOcrEngine();
    await expect(idle.recognize(await renderPlatePhoto('ABC1234'), 'plate')).rejects.toBeInstanceOf(UnavailableError);
  });

  it('given a missing language folder, when starting, then start fails fast with UnavailableError', async () => {
    const broken = new TesseractOcrEngine({ langPath: '/nonexistent/tessdata', startTimeoutMs: 5_000 });
    await expect(broken.start()).rejects.toBeInstanceOf(UnavailableError);
    await broken.stop();
  });
});

/** 24/24 measured below 0.7 with engine line-variants-v1; the floor leaves room for platform jitter. */
const LOW_RATE_FLOOR = 0.85;

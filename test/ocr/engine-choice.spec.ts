import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../src/config';
import { applyCalibration } from '../../src/ml/calibration';
import { defaultActiveCalibrations } from '../../src/infrastructure/ocr/calibration/default-calibrations';
import { MutableOcrCalibrations } from '../../src/ports/ocr-calibrations.port';
import type { OcrEngine } from '../../src/ports/ocr-engine.port';
import { PaddleOcrEngine } from '../../src/infrastructure/ocr/paddle/paddle-ocr.engine';
import { buildOcrEngine } from '../../src/infrastructure/ocr/per-mode-ocr.engine';
import { TesseractOcrEngine } from '../../src/infrastructure/ocr/tesseract-ocr.engine';

jest.setTimeout(120_000);

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'ocr-dev');

/** Counts starts, so a test can tell which engines a configuration really runs. */
function counted(engine: OcrEngine, starts: string[], name: string): OcrEngine {
  return {
    start: () => {
      starts.push(name);
      return engine.start();
    },
    recognize: (image, mode) => engine.recognize(image, mode),
    stop: () => engine.stop(),
  };
}

describe('OCR engine choice', () => {
  it('reads OCR_ENGINE for both modes, OCR_ENGINE_METER / OCR_ENGINE_PLATE per mode, and rejects unknown names', () => {
    expect(loadConfig({}).ocrEngines).toEqual({ meter: 'paddle', plate: 'paddle' });
    expect(loadConfig({ OCR_ENGINE: 'tesseract', OCR_ENGINE_PLATE: 'ensemble' }).ocrEngines).toEqual({ meter: 'tesseract', plate: 'ensemble' });
    expect(() => loadConfig({ OCR_ENGINE: 'easyocr' })).toThrow(/OCR_ENGINE="easyocr" is invalid: must be one of paddle, tesseract, ensemble/);
  });

  it('given the ensemble for plates and PaddleOCR for meters, then each engine starts once and readings carry the engine and calibration used', async () => {
    const starts: string[] = [];
    const calibrations = new MutableOcrCalibrations(defaultActiveCalibrations());
    const engine = buildOcrEngine(
      { meter: 'paddle', plate: 'ensemble' },
      { paddle: () => counted(new PaddleOcrEngine(), starts, 'paddle'), tesseract: () => counted(new TesseractOcrEngine({ poolSize: 1 }), starts, 'tesseract') },
      calibrations,
    );
    await engine.start();
    try {
      expect(starts.sort()).toEqual(['paddle', 'tesseract']);
      const plate = await engine.recognize(await fs.readFile(path.join(FIXTURES, 'plate_001.png')), 'plate');
      expect(plate).toMatchObject({ text: 'AYO9034', engineName: 'ensemble', calibrationId: calibrations.current('ensemble', 'plate')?.id });
      expect(plate.engine).toMatch(/^ensemble-v1\(paddleocr\/.+\+tesseract\.js@/);
      const map = calibrations.current('ensemble', 'plate')?.map;
      if (!map) throw new Error('no shipped ensemble calibration');
      expect(plate.confidence).toBeCloseTo(applyCalibration(map, plate.score), 3);
      const meter = await engine.recognize(await fs.readFile(path.join(FIXTURES, 'digit_023.png')), 'meter');
      expect(meter).toMatchObject({ text: '2', engineName: 'paddle', calibrationId: calibrations.current('paddle', 'meter')?.id });
    } finally {
      await engine.stop();
    }
  });

  it('given PaddleOCR for both modes, then Tesseract is never started', async () => {
    const starts: string[] = [];
    const engine = buildOcrEngine(
      { meter: 'paddle', plate: 'paddle' },
      { paddle: () => counted(new PaddleOcrEngine(), starts, 'paddle'), tesseract: () => counted(new TesseractOcrEngine({ poolSize: 1 }), starts, 'tesseract') },
      new MutableOcrCalibrations(),
    );
    await engine.start();
    const reading = await engine.recognize(await fs.readFile(path.join(FIXTURES, 'digit_047.png')), 'meter');
    await engine.stop();
    expect(starts).toEqual(['paddle']);
    // Without a calibration the engine's score stands as it is.
    expect(reading).toMatchObject({ text: '4', calibrationId: null });
    expect(reading.confidence).toBe(reading.score);
  });
});

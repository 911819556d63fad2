import { calibratedConfidence } from '../../../ml/calibration';
import type { OcrEngine, OcrMode, OcrResult } from '../../../ports/ocr-engine.port';
import type { OcrCalibrations } from '../../../ports/ocr-calibrations.port';

/**
 * Turns an engine's score into the probability of being right with the calibration in force for
 * that engine and mode, and records which one it used, so that every reading stays explainable
 * after later calibrations replace it.
 */
export class CalibratedOcrEngine implements OcrEngine {
  constructor(
    private readonly inner: OcrEngine,
    private readonly calibrations: OcrCalibrations,
  ) {}

  start(): Promise<void> {
    return this.inner.start();
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  async recognize(image: Buffer, mode: OcrMode): Promise<OcrResult> {
    const result = await this.inner.recognize(image, mode);
    return calibrateResult(result, mode, this.calibrations);
  }
}

export function calibrateResult(result: OcrResult, mode: OcrMode, calibrations: OcrCalibrations): OcrResult {
  const calibration = calibrations.current(result.engineName, mode);
  if (calibration === null) return result;
  // Nothing read is never right, whatever the map says at score 0.
  const characters = result.text.replace(/\./g, '').length;
  const probability = result.text === '' ? 0 : calibratedConfidence(calibration.map, result.score, characters);
  return { ...result, confidence: Math.round(probability * 1000) / 1000, calibrationId: calibration.id };
}

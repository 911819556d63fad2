import { CalibratedOcrEngine } from './calibration/calibrated-ocr.engine';
import type { OcrCalibrations } from '../../ports/ocr-calibrations.port';
import { EnsembleOcrEngine } from './ensemble-ocr.engine';
import { LazyOcrEngine } from './lazy-ocr-engine';
import type { OcrEngine, OcrEngineName, OcrMode, OcrResult } from '../../ports/ocr-engine.port';

/** Routes each mode to the engine configured for it and starts and stops each engine once. */
export class PerModeOcrEngine implements OcrEngine {
  private readonly used: readonly OcrEngine[];

  constructor(private readonly byMode: Readonly<Record<OcrMode, OcrEngine>>) {
    this.used = [...new Set([byMode.meter, byMode.plate])];
  }

  async start(): Promise<void> {
    await Promise.all(this.used.map((e) => e.start()));
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.used.map((e) => e.stop()));
  }

  recognize(image: Buffer, mode: OcrMode): Promise<OcrResult> {
    return this.byMode[mode].recognize(image, mode);
  }
}

export interface OcrEngineFactories {
  readonly paddle: () => OcrEngine;
  readonly tesseract: () => OcrEngine;
}

/**
 * Builds only the engines some mode uses (a service reading with PaddleOCR alone never starts
 * Tesseract), each once, each calibrated; the ensemble shares the two it combines.
 */
export function buildOcrEngine(choice: Readonly<Record<OcrMode, OcrEngineName>>, factories: OcrEngineFactories, calibrations: OcrCalibrations): OcrEngine {
  const built = new Map<OcrEngineName, OcrEngine>();
  const get = (name: OcrEngineName): OcrEngine => {
    const existing = built.get(name);
    if (existing) return existing;
    const engine =
      name === 'ensemble'
        ? new LazyOcrEngine(new CalibratedOcrEngine(new EnsembleOcrEngine(get('paddle'), get('tesseract')), calibrations))
        : new LazyOcrEngine(new CalibratedOcrEngine(factories[name](), calibrations));
    built.set(name, engine);
    return engine;
  };
  return new PerModeOcrEngine({ meter: get(choice.meter), plate: get(choice.plate) });
}

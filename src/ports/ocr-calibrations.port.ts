import type { CalibrationMap } from '../ml/calibration';
import type { OcrEngineName, OcrMode } from './ocr-engine.port';

/** Injection token for the source of the calibration currently in force per engine and mode. */
export const OCR_CALIBRATIONS = Symbol('OCR_CALIBRATIONS');

export interface ActiveCalibration {
  /** Recorded in every reading it calibrates (OcrCalibrationFitted.calibrationId). */
  readonly id: string;
  readonly map: CalibrationMap;
}

export interface OcrCalibrations {
  /** The calibration in force now, or null to leave the engine's score as it is. Must be cheap: called per photo. */
  current(engine: OcrEngineName, mode: OcrMode): ActiveCalibration | null;
}

/**
 * The calibrations in force in this process: starts from the shipped defaults and is updated by
 * the OCR calibration feature as OcrCalibrationFitted events arrive (the event log is the truth;
 * this is its in-memory pointer, like the active-model session cache).
 */
export class MutableOcrCalibrations implements OcrCalibrations {
  private readonly byKey = new Map<string, ActiveCalibration>();

  constructor(initial: Iterable<readonly [OcrEngineName, OcrMode, ActiveCalibration]> = []) {
    for (const [engine, mode, calibration] of initial) this.set(engine, mode, calibration);
  }

  current(engine: OcrEngineName, mode: OcrMode): ActiveCalibration | null {
    return this.byKey.get(`${engine}/${mode}`) ?? null;
  }

  set(engine: OcrEngineName, mode: OcrMode, calibration: ActiveCalibration): void {
    this.byKey.set(`${engine}/${mode}`, calibration);
  }
}

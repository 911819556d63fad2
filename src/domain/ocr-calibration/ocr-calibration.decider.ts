import { Decider } from '../shared/decider';
import { UnprocessableError, assertNever } from '../shared/errors';
import {
  CalibrationEngine,
  CalibrationMap,
  CalibrationMethod,
  CalibrationMode,
  CalibrationSource,
  CrossValidatedFigures,
  LabelsThrough,
  OcrCalibrationEvent,
  OcrCalibrationFitted,
} from './ocr-calibration.events';

/** One labeled reading: its engine score and whether it was right (`LabeledScore` of ml/calibration). */
export interface CalibrationSample {
  readonly score: number;
  /** 1 when the reading was exactly right. */
  readonly correct: 0 | 1;
}

interface CalibrationTarget {
  readonly calibrationId: string;
  readonly engine: CalibrationEngine;
  readonly engineVersion: string;
  readonly mode: CalibrationMode;
  readonly fittedBy: string;
  /** ISO time, from the clock port. */
  readonly at: string;
}

/**
 * The calibration the command side fitted (with ml) on the pooled samples, flywheel first, then
 * the development set, and its cross-validated figures over `folds` folds.
 */
export interface FittedCalibration {
  readonly method: CalibrationMethod;
  readonly map: CalibrationMap;
  /** Expected calibration error of the out-of-fold probabilities. */
  readonly ece: number;
  readonly logLoss: number;
  /** Of the out-of-fold probabilities; null with a single class among the samples. */
  readonly auroc: number | null;
}

/**
 * Fit from the flywheel: labeled readings of this engine and mode, pooled with the development
 * set. Labels are biased towards uncertain readings (corrections and active learning pick those),
 * so the development set's samples, drawn without that bias, keep the confident end anchored.
 * The decider checks the labels and records the fit; it does not fit.
 */
export interface FitOcrCalibration extends CalibrationTarget {
  readonly type: 'FitOcrCalibration';
  readonly flywheelSamples: readonly CalibrationSample[];
  readonly developmentSamples: readonly CalibrationSample[];
  readonly labelsThrough: LabelsThrough | null;
  /** OCR_CALIBRATION_MIN_LABELS: flywheel labels needed before a fit is trusted. */
  readonly minFlywheelLabels: number;
  readonly folds: number;
  /** Null when the flywheel labels fail `enoughFlywheelLabels`: there was nothing worth fitting. */
  readonly fitted: FittedCalibration | null;
}

/** Record a calibration fitted offline on the development set (the shipped default). */
export interface RecordShippedCalibration extends CalibrationTarget {
  readonly type: 'RecordShippedCalibration';
  readonly method: CalibrationMethod;
  readonly map: CalibrationMap;
  readonly sampleCount: number;
  readonly positives: number;
  readonly crossValidated: CrossValidatedFigures;
}

export type OcrCalibrationCommand = FitOcrCalibration | RecordShippedCalibration;

export interface OcrCalibrationState {
  /** Every calibration id recorded on the stream: a command for one of them is a duplicate. */
  readonly calibrationIds: readonly string[];
  readonly current: { readonly calibrationId: string; readonly source: CalibrationSource } | null;
  readonly hasFlywheelFit: boolean;
}

const positivesOf = (samples: readonly CalibrationSample[]): number => samples.reduce((n, s) => n + s.correct, 0);

/** The rule a flywheel fit must meet: at least `minLabels` labels, both right and wrong ones. */
export function enoughFlywheelLabels(flywheel: readonly CalibrationSample[], minLabels: number): boolean {
  const positives = positivesOf(flywheel);
  return flywheel.length >= minLabels && positives > 0 && positives < flywheel.length;
}

function fit(command: FitOcrCalibration): readonly OcrCalibrationFitted[] {
  const flywheel = command.flywheelSamples;
  const flywheelPositives = positivesOf(flywheel);
  const wrong = flywheel.length - flywheelPositives;
  if (!enoughFlywheelLabels(flywheel, command.minFlywheelLabels)) {
    const counts = { labeled: flywheel.length, right: flywheelPositives, wrong, min_labels: command.minFlywheelLabels };
    throw new UnprocessableError(
      `not enough labeled ${command.engine} ${command.mode} readings to calibrate: ${flywheel.length} labeled (${flywheelPositives} right, ${wrong} wrong); ` +
        `at least ${command.minFlywheelLabels} are needed, with both right and wrong ones`,
      counts,
    );
  }
  const fitted = command.fitted;
  if (!fitted) throw new Error(`calibration ${command.calibrationId}: enough labels to fit, but the command carries no fit`);
  if (fitted.map.method !== fitted.method) throw new Error(`calibration ${command.calibrationId}: a ${fitted.map.method} map recorded as ${fitted.method}`);
  const pooled = [...flywheel, ...command.developmentSamples];
  return [
    {
      type: 'OcrCalibrationFitted',
      data: {
        calibrationId: command.calibrationId,
        engine: command.engine,
        engineVersion: command.engineVersion,
        mode: command.mode,
        method: fitted.method,
        map: fitted.map,
        source: 'flywheel',
        sampleCount: pooled.length,
        positives: positivesOf(pooled),
        flywheelSamples: flywheel.length,
        flywheelPositives,
        developmentSamples: command.developmentSamples.length,
        // Key order as the events recorded so far have it: ece, logLoss, folds, auroc.
        crossValidated: { ece: fitted.ece, logLoss: fitted.logLoss, folds: command.folds, auroc: fitted.auroc },
        labelsThrough: command.labelsThrough,
        fittedBy: command.fittedBy,
        fittedAt: command.at,
      },
    },
  ];
}

function recordShipped(command: RecordShippedCalibration, state: OcrCalibrationState): readonly OcrCalibrationFitted[] {
  // A shipped default never supersedes a calibration the flywheel fitted on this deployment's labels.
  if (state.hasFlywheelFit) return [];
  return [
    {
      type: 'OcrCalibrationFitted',
      data: {
        calibrationId: command.calibrationId,
        engine: command.engine,
        engineVersion: command.engineVersion,
        mode: command.mode,
        method: command.method,
        map: command.map,
        source: 'development_set',
        sampleCount: command.sampleCount,
        positives: command.positives,
        flywheelSamples: 0,
        flywheelPositives: 0,
        developmentSamples: command.sampleCount,
        crossValidated: command.crossValidated,
        labelsThrough: null,
        fittedBy: command.fittedBy,
        fittedAt: command.at,
      },
    },
  ];
}

/** One engine and mode's calibrations, `ocr_calibration-<engine>_<mode>`: the newest is in force. */
export const ocrCalibrationDecider: Decider<OcrCalibrationState, OcrCalibrationCommand, OcrCalibrationEvent> = {
  initialState: { calibrationIds: [], current: null, hasFlywheelFit: false },

  evolve(state, event) {
    switch (event.type) {
      case 'OcrCalibrationFitted':
        return {
          calibrationIds: [...state.calibrationIds, event.data.calibrationId],
          current: { calibrationId: event.data.calibrationId, source: event.data.source },
          hasFlywheelFit: state.hasFlywheelFit || event.data.source === 'flywheel',
        };
      default:
        return assertNever(event.type, 'ocr calibration event');
    }
  },

  decide(command, state) {
    if (state.calibrationIds.includes(command.calibrationId)) return [];
    switch (command.type) {
      case 'FitOcrCalibration':
        return fit(command);
      case 'RecordShippedCalibration':
        return recordShipped(command, state);
      default:
        return assertNever(command, 'ocr calibration command');
    }
  },
};

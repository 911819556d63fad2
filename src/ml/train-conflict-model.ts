/**
 * Trains the conflict predictor: a time-ordered holdout (the newest 20% of syncs), a scaler fitted
 * on the training part only, and a balanced logistic regression. The result carries everything the
 * model registry records: parameters, metrics, the holdout bounds and which rows fell on which side.
 */
import { CONFLICT_FEATURE_NAMES } from './conflict-features';
import { fitLogisticRegression, sigmoid } from './logistic-regression';
import { ClassMetrics, ConfusionMatrix, classificationReport, rocAuc } from './metrics';
import { fitStandardScaler, StandardScaler, transform } from './scaler';
import { ConflictTrainingRow, SplitRow, TimeHoldout, splitByTime } from './time-split';
import { TrainingInputError } from './training-input-error';

export { CONFLICT_FEATURE_NAMES } from './conflict-features';
export { TEST_FRACTION, splitByTime, type ConflictTrainingRow, type Split, type SplitRow, type TimeHoldout, type TimeSplit } from './time-split';
export { TrainingInputError } from './training-input-error';

export const MIN_TRAINING_ROWS = 100;
export const DEFAULT_THRESHOLD = 0.5;

export interface EvaluationMetrics {
  readonly roc_auc: number | null;
  readonly accuracy: number;
  readonly threshold: number;
  /** Positive class (conflict) precision/recall/F1; both classes are in `per_class`. */
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly per_class: { readonly negative: ClassMetrics; readonly positive: ClassMetrics };
  readonly confusion_matrix: ConfusionMatrix;
  readonly samples: number;
  readonly positives: number;
}

export interface ConflictModelMetrics {
  readonly train_roc_auc: number | null;
  /** `null` when the holdout holds a single class. */
  readonly test_roc_auc: number | null;
  readonly test_accuracy: number;
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly per_class: EvaluationMetrics['per_class'];
  readonly confusion_matrix: ConfusionMatrix;
  readonly train_samples: number;
  readonly test_samples: number;
  readonly train_positives: number;
  readonly test_positives: number;
  readonly solver_iterations: number;
  readonly converged: boolean;
}

export interface ConflictModelParameters {
  readonly scaler: StandardScaler;
  /** On standardised features, in `featureNames` order. */
  readonly coefficients: number[];
  readonly intercept: number;
}

export interface TrainedConflictModel extends ConflictModelParameters {
  readonly algorithm: 'logistic_regression';
  readonly featureNames: readonly string[];
  readonly metrics: ConflictModelMetrics;
  readonly holdout: TimeHoldout;
  /** Every input row, oldest first, tagged with its side of the holdout. */
  readonly rows: SplitRow[];
}

export interface TrainOptions {
  readonly C?: number;
  readonly threshold?: number;
}

export function trainConflictModel(input: readonly ConflictTrainingRow[], options: TrainOptions = {}): TrainedConflictModel {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  validateRows(input);
  const split = splitByTime(input);
  const trainPositives = countPositives(split.train);
  if (trainPositives === 0 || trainPositives === split.train.length) {
    throw new TrainingInputError(
      `the training part of the time split (${split.train.length} oldest syncs) has only one class; need both conflicts and clean syncs`,
      { train_samples: split.train.length, train_positives: trainPositives },
    );
  }
  const trainX = split.train.map((r) => r.features);
  const scaler = fitStandardScaler(trainX);
  const fit = fitLogisticRegression(
    transform(scaler, trainX),
    split.train.map((r) => r.label),
    { C: options.C ?? 1.0, classWeight: 'balanced' },
  );
  const params: ConflictModelParameters = { scaler, coefficients: fit.coefficients, intercept: fit.intercept };
  const predict = conflictModelPredictor(params);
  const trainEval = evaluateOnRows(predict, split.train, threshold);
  const testEval = evaluateOnRows(predict, split.test, threshold);
  return {
    algorithm: 'logistic_regression',
    ...params,
    featureNames: [...CONFLICT_FEATURE_NAMES],
    metrics: {
      train_roc_auc: trainEval.roc_auc,
      test_roc_auc: testEval.roc_auc,
      test_accuracy: testEval.accuracy,
      threshold,
      precision: testEval.precision,
      recall: testEval.recall,
      f1: testEval.f1,
      per_class: testEval.per_class,
      confusion_matrix: testEval.confusion_matrix,
      train_samples: split.train.length,
      test_samples: split.test.length,
      train_positives: trainPositives,
      test_positives: testEval.positives,
      solver_iterations: fit.iterations,
      converged: fit.converged,
    },
    holdout: split.holdout,
    rows: split.rows,
  };
}

export type PredictFn = (features: readonly (readonly number[])[]) => readonly number[];

/** Scales raw features with the model's scaler, then applies the regression (no per-row copies). */
export function conflictModelPredictor(model: ConflictModelParameters): PredictFn {
  const { mean, scale } = model.scaler;
  const { coefficients, intercept } = model;
  return (X) =>
    X.map((row) => {
      let z = intercept;
      for (let j = 0; j < coefficients.length; j++) z += (coefficients[j] * (row[j] - mean[j])) / scale[j];
      return sigmoid(z);
    });
}

/**
 * Scores any predictor (a stored model, heuristic_v1) on the same rows, so comparisons between a
 * candidate and the active model use one holdout. Async predictors: compute the probabilities
 * first and use `evaluatePredictions`.
 */
export function evaluateOnRows(
  predictFn: PredictFn,
  rows: readonly ConflictTrainingRow[],
  threshold = DEFAULT_THRESHOLD,
): EvaluationMetrics {
  const probabilities = predictFn(rows.map((r) => r.features));
  return evaluatePredictions(probabilities, rows.map((r) => r.label), threshold);
}

export function evaluatePredictions(
  probabilities: readonly number[],
  labels: readonly number[],
  threshold = DEFAULT_THRESHOLD,
): EvaluationMetrics {
  if (probabilities.length !== labels.length) {
    throw new Error(`got ${probabilities.length} probabilities for ${labels.length} rows`);
  }
  const report = classificationReport(probabilities, labels, threshold);
  return {
    roc_auc: rocAuc(probabilities, labels),
    accuracy: report.accuracy,
    threshold,
    precision: report.positive.precision,
    recall: report.positive.recall,
    f1: report.positive.f1,
    per_class: { negative: report.negative, positive: report.positive },
    confusion_matrix: report.confusion_matrix,
    samples: labels.length,
    positives: labels.reduce((a, l) => a + (l === 1 ? 1 : 0), 0),
  };
}

function validateRows(rows: readonly ConflictTrainingRow[]): void {
  if (rows.length < MIN_TRAINING_ROWS) {
    throw new TrainingInputError(
      `need at least ${MIN_TRAINING_ROWS} labelled syncs to train, got ${rows.length}`,
      { rows: rows.length, required: MIN_TRAINING_ROWS },
    );
  }
  const positives = countPositives(rows);
  if (positives === 0 || positives === rows.length) {
    throw new TrainingInputError(
      `all ${rows.length} labelled syncs are ${positives === 0 ? 'clean (label 0)' : 'conflicts (label 1)'}; need both classes to train`,
      { rows: rows.length, positives },
    );
  }
  const width = CONFLICT_FEATURE_NAMES.length;
  for (const row of rows) {
    if (row.features.length !== width || !row.features.every(Number.isFinite)) {
      throw new TrainingInputError(`sync ${row.syncId} needs ${width} finite features, got [${row.features.join(', ')}]`);
    }
  }
}

function countPositives(rows: readonly ConflictTrainingRow[]): number {
  let n = 0;
  for (const r of rows) if (r.label === 1) n++;
  return n;
}

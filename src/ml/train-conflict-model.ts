/**
 * Trains the conflict predictor: a time-ordered holdout (the newest 20% of syncs), a scaler fitted
 * on the training part only, and a balanced logistic regression. The result carries everything the
 * model registry records: parameters, metrics, the holdout bounds and which rows fell on which side.
 */
import { UnprocessableError } from '../domain/shared/errors';
import { CONFLICT_FEATURE_NAMES } from './conflict-features';
import { parseIsoMs } from './iso-time';
import { fitLogisticRegression, sigmoid } from './logistic-regression';
import { BinaryLabel, ClassMetrics, ConfusionMatrix, classificationReport, rocAuc } from './metrics';
import { fitStandardScaler, StandardScaler, transform } from './scaler';

export { CONFLICT_FEATURE_NAMES } from './conflict-features';

export const MIN_TRAINING_ROWS = 100;
export const TEST_FRACTION = 0.2;
export const DEFAULT_THRESHOLD = 0.5;

export interface ConflictTrainingRow {
  readonly syncId: string;
  /** ISO 8601. */
  readonly syncedAt: string;
  readonly features: readonly number[];
  readonly label: BinaryLabel;
}

export type Split = 'train' | 'test';
export interface SplitRow extends ConflictTrainingRow {
  readonly split: Split;
}

/** Bounds are the `syncedAt` strings of the first and last row on each side. */
export interface TimeHoldout {
  readonly trainFrom: string;
  readonly trainTo: string;
  readonly testFrom: string;
  readonly testTo: string;
}

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

export interface TimeSplit {
  readonly train: ConflictTrainingRow[];
  readonly test: ConflictTrainingRow[];
  readonly holdout: TimeHoldout;
  readonly rows: SplitRow[];
}

/**
 * Oldest 80% train, newest 20% test. Rows sharing the boundary timestamp all go to the test side,
 * so every training row is strictly older than every test row (the test set may then exceed 20%).
 * Ties in time are ordered by syncId, so the split is the same whatever order rows arrive in.
 */
export function splitByTime(input: readonly ConflictTrainingRow[]): TimeSplit {
  const n = input.length;
  if (n < 2) throw new UnprocessableError(`need at least 2 rows to split by time, got ${n}`);
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) times[i] = parseTime(input[i]);
  const before = (a: number, b: number): number =>
    times[a] - times[b] || (input[a].syncId < input[b].syncId ? -1 : input[a].syncId > input[b].syncId ? 1 : 0);
  let order = Array.from({ length: n }, (_, i) => i);
  // Rows read from the event log usually arrive in order already; skip the O(n log n) sort then.
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = before(i - 1, i) <= 0;
  if (!sorted) order = order.sort(before);
  let cut = n - Math.max(1, Math.ceil(n * TEST_FRACTION));
  const boundary = times[order[cut]];
  while (cut > 0 && times[order[cut - 1]] === boundary) cut--;
  if (cut === 0) {
    throw new UnprocessableError('cannot hold out the newest syncs: the newest 20% share a timestamp with all older rows');
  }
  // Explicit fields, not a spread: spreading a million rows costs seconds in V8.
  const rows = order.map((index, i): SplitRow => {
    const r = input[index];
    return { syncId: r.syncId, syncedAt: r.syncedAt, features: r.features, label: r.label, split: i < cut ? 'train' : 'test' };
  });
  const train = rows.slice(0, cut);
  const test = rows.slice(cut);
  return {
    train,
    test,
    rows,
    holdout: {
      trainFrom: train[0].syncedAt,
      trainTo: train[train.length - 1].syncedAt,
      testFrom: test[0].syncedAt,
      testTo: test[test.length - 1].syncedAt,
    },
  };
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
    throw new UnprocessableError(
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
    throw new UnprocessableError(
      `need at least ${MIN_TRAINING_ROWS} labelled syncs to train, got ${rows.length}`,
      { rows: rows.length, required: MIN_TRAINING_ROWS },
    );
  }
  const positives = countPositives(rows);
  if (positives === 0 || positives === rows.length) {
    throw new UnprocessableError(
      `all ${rows.length} labelled syncs are ${positives === 0 ? 'clean (label 0)' : 'conflicts (label 1)'}; need both classes to train`,
      { rows: rows.length, positives },
    );
  }
  const width = CONFLICT_FEATURE_NAMES.length;
  for (const row of rows) {
    if (row.features.length !== width || !row.features.every(Number.isFinite)) {
      throw new UnprocessableError(`sync ${row.syncId} needs ${width} finite features, got [${row.features.join(', ')}]`);
    }
  }
}

function countPositives(rows: readonly ConflictTrainingRow[]): number {
  let n = 0;
  for (const r of rows) if (r.label === 1) n++;
  return n;
}

function parseTime(row: ConflictTrainingRow): number {
  const t = parseIsoMs(row.syncedAt);
  if (Number.isNaN(t)) throw new UnprocessableError(`sync ${row.syncId} has an unreadable syncedAt: ${row.syncedAt}`);
  return t;
}

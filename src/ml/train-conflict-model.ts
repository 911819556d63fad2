/**
 * Trains the conflict predictor: a time-ordered holdout (the newest 20% of syncs), a scaler fitted
 * on the training part only, and a balanced logistic regression. The result carries everything the
 * model registry records: parameters, metrics, the holdout bounds and which rows fell on which side.
 */
import { UnprocessableError } from '../domain/shared/errors';
import { CONFLICT_FEATURE_NAMES } from './conflict-features';
import { fitLogisticRegression, predictProba } from './logistic-regression';
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
  const timed = input.map((row) => ({ row, t: parseTime(row) }));
  timed.sort((a, b) => a.t - b.t || (a.row.syncId < b.row.syncId ? -1 : a.row.syncId > b.row.syncId ? 1 : 0));
  const n = timed.length;
  if (n < 2) throw new UnprocessableError(`need at least 2 rows to split by time, got ${n}`);
  let cut = n - Math.max(1, Math.ceil(n * TEST_FRACTION));
  const boundary = timed[cut].t;
  while (cut > 0 && timed[cut - 1].t === boundary) cut--;
  if (cut === 0) {
    throw new UnprocessableError('cannot hold out the newest syncs: the newest 20% share a timestamp with all older rows');
  }
  const rows = timed.map(({ row }, i): SplitRow => ({ ...row, split: i < cut ? 'train' : 'test' }));
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

/** Scales raw features with the model's scaler, then applies the regression. */
export function conflictModelPredictor(model: ConflictModelParameters): PredictFn {
  return (X) => predictProba(model, transform(model.scaler, X));
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
  const t = Date.parse(row.syncedAt);
  if (Number.isNaN(t)) throw new UnprocessableError(`sync ${row.syncId} has an unreadable syncedAt: ${row.syncedAt}`);
  return t;
}

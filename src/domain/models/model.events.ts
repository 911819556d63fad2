import { DomainEvent } from '../shared/events';

/**
 * Events of one model type's registry stream, `model-<modelType>`. One stream per type makes
 * "exactly one active model" a property of the stream: every activation is appended with the
 * expected revision, so two racing activations are serialised by optimistic concurrency.
 */
export const MODEL_STREAM_CATEGORY = 'model';
export const MODEL_TYPES = ['conflict_predictor'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

/** Scores of one predictor on one set of rows (snake_case: shown as stored to auditors). */
export interface HoldoutMetrics {
  readonly roc_auc: number | null;
  readonly accuracy: number;
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly per_class?: { readonly negative: ClassScores; readonly positive: ClassScores };
  /** [[tn, fp], [fn, tp]]. */
  readonly confusion_matrix?: readonly (readonly number[])[];
  readonly samples: number;
  readonly positives: number;
}

export interface Holdout {
  readonly trainFrom: string;
  readonly trainTo: string;
  readonly testFrom: string;
  readonly testTo: string;
}

export interface TrainingWindow {
  readonly from: string;
  readonly to: string;
  readonly daysBack: number;
}

export type ModelTrained = DomainEvent<
  'ModelTrained',
  {
    modelType: string;
    version: string;
    /** The training run that produced it; a run replayed after a crash appends nothing new. */
    runId: string;
    trigger: 'manual' | 'retraining';
    algorithm: 'logistic_regression';
    featureNames: string[];
    /** The feature definition its rows were built with (feature-definition.ts, computed by src/ml/conflict-features.ts); absent: 1. */
    featureDefinition?: number;
    scaler: { mean: number[]; scale: number[] };
    coefficients: number[];
    intercept: number;
    metrics: Readonly<Record<string, unknown>>;
    holdout: Holdout;
    trainingWindow: TrainingWindow;
    rowCount: number;
    modelBlobHash: string;
    trainingRowsBlobHash: string;
    trainingMs: number;
    at: string;
  }
>;

export type ModelRegistered = DomainEvent<
  'ModelRegistered',
  {
    modelType: string;
    version: string;
    featureNames: string[];
    /** Declared at registration (default the current one); absent: 1. */
    featureDefinition?: number;
    modelBlobHash: string;
    sizeBytes: number;
    fileName: string | null;
    /** What validation learned: input name and shape, probability output and its columns. */
    signature: Readonly<Record<string, unknown>>;
    at: string;
  }
>;

/** The candidate and the model it would replace, scored on the same holdout rows. */
export type ModelEvaluated = DomainEvent<
  'ModelEvaluated',
  {
    modelType: string;
    version: string;
    evaluationId: string;
    /** Blob hash of the CSV whose `test` rows are the holdout both were scored on. */
    holdoutRowsBlobHash: string;
    holdout: Holdout;
    candidate: { version: string; metrics: HoldoutMetrics };
    /** The active model then, or heuristic_v1 when none was (or it could not be loaded). */
    baseline: { version: string; metrics: HoldoutMetrics; activeVersion: string | null; note: string | null };
    /**
     * DeLong's test of candidate vs baseline on the same holdout rows (one-sided: candidate better).
     * Null when the holdout cannot support it (fewer than two of a class); absent on events recorded before it existed.
     */
    delong?: DeLongFigures | null;
    at: string;
  }
>;

/** As on the wire (snake_case), from src/ml/delong.ts. */
export interface DeLongFigures {
  readonly auc_difference: number;
  readonly standard_error: number;
  readonly ci95: readonly [number, number];
  readonly p_value: number;
}

export type ActivationCause = 'manual' | 'auto' | 'rollback';

export type ModelActivated = DomainEvent<
  'ModelActivated',
  {
    modelType: string;
    version: string;
    previousVersion: string | null;
    activatedBy: string;
    cause: ActivationCause;
    reason: string;
    at: string;
  }
>;

export type ModelDeactivated = DomainEvent<
  'ModelDeactivated',
  {
    modelType: string;
    version: string;
    deactivatedBy: string;
    /** The version that replaced it in the same append, or null for a plain deactivation. */
    replacedBy: string | null;
    reason: string;
    at: string;
  }
>;

export interface RuleFailure {
  readonly rule: string;
  readonly reason: string;
}

export type ModelActivationRejected = DomainEvent<
  'ModelActivationRejected',
  {
    modelType: string;
    version: string;
    evaluationId: string;
    activeVersion: string | null;
    /** Every rule that failed, not only the first. */
    failures: RuleFailure[];
    reason: string;
    rejectedBy: string;
    at: string;
  }
>;

export interface AccuracyFigure {
  readonly version: string;
  readonly correct: number;
  readonly total: number;
  readonly accuracy: number | null;
  readonly fromMs: number;
  readonly toMs: number;
}

/** The post-activation review found the new model clearly worse than its predecessor. */
export type ModelRolledBack = DomainEvent<
  'ModelRolledBack',
  {
    modelType: string;
    fromVersion: string;
    /** null: the predecessor was heuristic_v1, so rolling back deactivates. */
    toVersion: string | null;
    activationAt: string;
    candidate: AccuracyFigure;
    predecessor: AccuracyFigure;
    reason: string;
    rolledBackBy: string;
    at: string;
  }
>;

/** The post-activation review ran and kept the model (or had too few outcomes to judge). */
export type ModelActivationReviewed = DomainEvent<
  'ModelActivationReviewed',
  {
    modelType: string;
    version: string;
    activationAt: string;
    outcome: 'kept' | 'insufficient_sample';
    candidate: AccuracyFigure;
    predecessor: AccuracyFigure;
    reason: string;
    at: string;
  }
>;

export type ModelEvent =
  | ModelTrained
  | ModelRegistered
  | ModelEvaluated
  | ModelActivated
  | ModelDeactivated
  | ModelActivationRejected
  | ModelRolledBack
  | ModelActivationReviewed;

export const MODEL_EVENT_TYPES: readonly ModelEvent['type'][] = [
  'ModelTrained',
  'ModelRegistered',
  'ModelEvaluated',
  'ModelActivated',
  'ModelDeactivated',
  'ModelActivationRejected',
  'ModelRolledBack',
  'ModelActivationReviewed',
];

/** Events that move the active pointer: serving caches are refreshed when one is seen. */
export const ACTIVATION_EVENT_TYPES: readonly string[] = ['ModelActivated', 'ModelDeactivated', 'ModelRolledBack'];

export function modelStream(modelType: string): string {
  return `${MODEL_STREAM_CATEGORY}-${modelType}`;
}

export function modelTypeOfStream(stream: string): string | null {
  const prefix = `${MODEL_STREAM_CATEGORY}-`;
  return stream.startsWith(prefix) ? stream.slice(prefix.length) : null;
}

import type { ActiveLearningBatch, PoolExample, SelectionOptions } from '../ml/active-learning';
import type { ConflictTrainingRow, TrainedConflictModel } from '../ml/train-conflict-model';

/** Long numeric work off the request thread: model training and the active-learning selection. */
export const ML_COMPUTE = Symbol('ML_COMPUTE');

export interface MlComputePort {
  /** Rejects with TrainingInputError (ml/training-input-error.ts) for rows it cannot train on. */
  trainConflictModel(rows: readonly ConflictTrainingRow[]): Promise<TrainedConflictModel>;
  selectActiveLearningBatch(pool: readonly PoolExample[], options: SelectionOptions): Promise<ActiveLearningBatch>;
}

import type { ActiveLearningBatch, PoolExample, SelectionOptions } from '../ml/active-learning';
import type { ConflictTrainingRow, TrainedConflictModel } from '../ml/train-conflict-model';

/** Long numeric work off the request thread: model training and the active-learning selection. */
export const ML_COMPUTE = Symbol('ML_COMPUTE');

export interface MlComputePort {
  trainConflictModel(rows: readonly ConflictTrainingRow[]): Promise<TrainedConflictModel>;
  selectActiveLearningBatch(pool: readonly PoolExample[], options: SelectionOptions): Promise<ActiveLearningBatch>;
}

import type { DomainErrorKind } from '../../domain/shared/errors';
import type { ActiveLearningBatch, PoolExample, SelectionOptions } from '../../ml/active-learning';
import type { ConflictTrainingRow, TrainedConflictModel } from '../../ml/train-conflict-model';

export type ComputeTask =
  | { readonly kind: 'trainConflictModel'; readonly rows: readonly ConflictTrainingRow[] }
  | { readonly kind: 'selectActiveLearningBatch'; readonly pool: readonly PoolExample[]; readonly options: SelectionOptions };

export interface ComputeResults {
  trainConflictModel: TrainedConflictModel;
  selectActiveLearningBatch: ActiveLearningBatch;
}

export type ComputeReply =
  | { readonly id: number; readonly threadId: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly threadId: number; readonly ok: false; readonly error: { readonly name: string; readonly message: string; readonly kind?: DomainErrorKind; readonly details?: Record<string, unknown> } };

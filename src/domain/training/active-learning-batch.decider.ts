import { createHash } from 'node:crypto';
import { Decider } from '../shared/decider';
import { ValidationError, assertNever } from '../shared/errors';
import { ActiveLearningBatchEvent, ActiveLearningBatchSelected, ChosenExample } from './active-learning-batch.events';

export type ActiveLearningBatchState = { readonly status: 'none' } | { readonly status: 'selected'; readonly batch: ActiveLearningBatchSelected['data'] };

export type ActiveLearningBatchCommand = {
  readonly kind: 'select';
  readonly batchId: string;
  readonly tenantId: string;
  readonly week: string;
  readonly strategy: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly seed: string;
  readonly poolIds: readonly string[];
  readonly chosen: readonly ChosenExample[];
  readonly at: string;
};

/** Order-independent fingerprint of the pool. */
export function poolHash(ids: readonly string[]): string {
  return createHash('sha256').update([...ids].sort().join('\n')).digest('hex');
}

/** The task id of an example in a batch: deterministic, so re-running a batch finds the same tasks. */
export function taskIdFor(batchId: string, exampleId: string): string {
  return `lt_${createHash('sha256').update(`${batchId}\n${exampleId}`).digest('hex').slice(0, 24)}`;
}

export const activeLearningBatchDecider: Decider<ActiveLearningBatchState, ActiveLearningBatchCommand, ActiveLearningBatchEvent> = {
  initialState: { status: 'none' },

  evolve(_state, event) {
    switch (event.type) {
      case 'ActiveLearningBatchSelected':
        return { status: 'selected', batch: event.data };
      default:
        return assertNever(event.type, 'active learning batch event');
    }
  },

  decide(command, state) {
    switch (command.kind) {
      case 'select': {
        // One batch per tenant and week: whoever came first (schedule, API, CLI) made it.
        if (state.status === 'selected') return [];
        if (command.chosen.length === 0) throw new ValidationError('an active-learning batch needs at least one chosen example');
        const ids = new Set(command.chosen.map((c) => c.exampleId));
        if (ids.size !== command.chosen.length) throw new ValidationError('an example appears twice in the batch');
        const pool = new Set(command.poolIds);
        const outside = command.chosen.find((c) => !pool.has(c.exampleId));
        if (outside) throw new ValidationError(`example ${outside.exampleId} is not in the pool`);
        const { batchId, tenantId, week, strategy, parameters, seed, chosen, at } = command;
        return [
          {
            type: 'ActiveLearningBatchSelected',
            data: { batchId, tenantId, week, strategy, parameters, seed, poolSize: command.poolIds.length, poolHash: poolHash(command.poolIds), selectedAt: at, chosen },
          },
        ];
      }
      default:
        return assertNever(command.kind, 'active learning batch command');
    }
  },
};

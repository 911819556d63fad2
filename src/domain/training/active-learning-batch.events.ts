import { DomainEvent } from '../shared/events';
import { SourceSystem } from './training-example.events';

/** One chosen example with the scores that chose it, so an auditor can re-run the selection. */
export interface ChosenExample {
  readonly exampleId: string;
  readonly taskId: string;
  readonly sourceSystem: SourceSystem;
  readonly isCorrection: boolean;
  readonly uncertaintyScore: number;
  /** Distance to the nearest earlier pick (k-center); 1 for the first pick. */
  readonly diversityDistance: number;
  readonly rank: number;
  readonly priority: number;
}

/**
 * Stream `active_learning_batch-<batchId>` with `batchId = <tenant>.<ISO week>`: one batch per
 * tenant and week, so a schedule fired twice (or a run after the schedule) chooses nothing twice.
 */
export type ActiveLearningBatchSelected = DomainEvent<
  'ActiveLearningBatchSelected',
  {
    batchId: string;
    tenantId: string;
    week: string;
    strategy: string;
    /** Everything the selector was called with and reported (batch size, weights, candidate count, ...). */
    parameters: Readonly<Record<string, unknown>>;
    seed: string;
    poolSize: number;
    /** sha256 of the sorted pool example ids: the pool the choice was made from. */
    poolHash: string;
    selectedAt: string;
    chosen: readonly ChosenExample[];
  }
>;

export type ActiveLearningBatchEvent = ActiveLearningBatchSelected;

export const ACTIVE_LEARNING_BATCH_CATEGORY = 'active_learning_batch';

export function batchIdFor(tenantId: string, week: string): string {
  return `${tenantId}.${week}`;
}

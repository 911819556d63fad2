import { DomainEvent } from '../shared/events';
import { SourceSystem } from './training-example.events';

/**
 * Events of one labeling task's stream, `labeling_task-<taskId>`. A task is created for one
 * example chosen by an active-learning batch; a labeler claims it for a lease, then submits a
 * label, skips it or releases it. A lease expires by itself: expiry is decided from the time
 * carried by the next command, so no timer or event is needed for it.
 */
export type LabelingTaskCreated = DomainEvent<
  'LabelingTaskCreated',
  {
    taskId: string;
    tenantId: string;
    batchId: string;
    exampleId: string;
    sourceSystem: SourceSystem;
    /** Higher first; corrections are 1.0, others their uncertainty. */
    priority: number;
    /** 1-based position in the batch: the selection order, a tie-breaker after priority. */
    rank: number;
    createdAt: string;
  }
>;

export type LabelingTaskClaimed = DomainEvent<
  'LabelingTaskClaimed',
  {
    taskId: string;
    exampleId: string;
    labelerId: string;
    claimedAt: string;
    leaseExpiresAt: string;
    /** Set when the claim took over a lease that had expired. */
    previousHolder?: string;
  }
>;

/** The holder claimed again before the lease ran out: the lease now ends later. */
export type LabelingTaskLeaseExtended = DomainEvent<'LabelingTaskLeaseExtended', { taskId: string; labelerId: string; extendedAt: string; leaseExpiresAt: string }>;

export type LabelingTaskReleased = DomainEvent<'LabelingTaskReleased', { taskId: string; labelerId: string; releasedAt: string }>;

export type LabelingTaskCompleted = DomainEvent<'LabelingTaskCompleted', { taskId: string; exampleId: string; labelerId: string; label: string; completedAt: string }>;

/** The labeler could not label it; the task closes and the example may be chosen by a later batch. */
export type LabelingTaskSkipped = DomainEvent<'LabelingTaskSkipped', { taskId: string; exampleId: string; labelerId: string; skippedAt: string; reason?: string }>;

export type LabelingTaskEvent = LabelingTaskCreated | LabelingTaskClaimed | LabelingTaskLeaseExtended | LabelingTaskReleased | LabelingTaskCompleted | LabelingTaskSkipped;

export const LABELING_TASK_EVENT_TYPES: readonly LabelingTaskEvent['type'][] = [
  'LabelingTaskCreated',
  'LabelingTaskClaimed',
  'LabelingTaskLeaseExtended',
  'LabelingTaskReleased',
  'LabelingTaskCompleted',
  'LabelingTaskSkipped',
];

export const LABELING_TASK_CATEGORY = 'labeling_task';

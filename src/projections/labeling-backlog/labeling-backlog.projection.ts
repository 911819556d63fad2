import { RecordedEvent, isEventOf } from '../../domain/shared/events';
import {
  LABELING_TASK_EVENT_TYPES,
  LabelingTaskClaimed,
  LabelingTaskCompleted,
  LabelingTaskCreated,
  LabelingTaskLeaseExtended,
  LabelingTaskReleased,
  LabelingTaskSkipped,
} from '../../domain/training/labeling-task.events';
import { SourceSystem } from '../../domain/training/training-example.events';
import { documentProjection } from '../../runtime/projection';

export const LABELING_BACKLOG_COLLECTION = 'labeling_backlog_tasks';

/** Stored status. A `claimed` task whose lease has passed is open again: queries decide that with the clock. */
export type BacklogTaskStatus = 'open' | 'claimed' | 'completed' | 'skipped';
export const OPEN_STATUSES: readonly BacklogTaskStatus[] = ['open', 'claimed'];

export interface BacklogTaskDoc {
  readonly task_id: string;
  readonly tenant_id: string;
  readonly batch_id: string;
  readonly example_id: string;
  readonly source_system: SourceSystem;
  readonly priority: number;
  readonly rank: number;
  readonly status: BacklogTaskStatus;
  readonly claimed_by: string | null;
  readonly lease_expires_at: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly closed_at: string | null;
  /** Who completed or skipped it. */
  readonly closed_by: string | null;
  [key: string]: unknown;
}

export function evolveBacklogTask(doc: BacklogTaskDoc | null, event: RecordedEvent): BacklogTaskDoc | null {
  const at = event.metadata.occurredAt;
  if (isEventOf<LabelingTaskCreated>(event, 'LabelingTaskCreated')) {
    if (doc) return doc;
    const d = event.data;
    return {
      task_id: d.taskId,
      tenant_id: d.tenantId,
      batch_id: d.batchId,
      example_id: d.exampleId,
      source_system: d.sourceSystem,
      priority: d.priority,
      rank: d.rank,
      status: 'open',
      claimed_by: null,
      lease_expires_at: null,
      created_at: d.createdAt,
      updated_at: at,
      closed_at: null,
      closed_by: null,
    };
  }
  if (!doc) return null;
  if (isEventOf<LabelingTaskClaimed>(event, 'LabelingTaskClaimed') || isEventOf<LabelingTaskLeaseExtended>(event, 'LabelingTaskLeaseExtended')) {
    return { ...doc, status: 'claimed', claimed_by: event.data.labelerId, lease_expires_at: event.data.leaseExpiresAt, updated_at: at };
  }
  if (isEventOf<LabelingTaskReleased>(event, 'LabelingTaskReleased')) {
    return { ...doc, status: 'open', claimed_by: null, lease_expires_at: null, updated_at: at };
  }
  if (isEventOf<LabelingTaskCompleted>(event, 'LabelingTaskCompleted')) {
    return { ...doc, status: 'completed', claimed_by: null, lease_expires_at: null, updated_at: at, closed_at: event.data.completedAt, closed_by: event.data.labelerId };
  }
  if (isEventOf<LabelingTaskSkipped>(event, 'LabelingTaskSkipped')) {
    return { ...doc, status: 'skipped', claimed_by: null, lease_expires_at: null, updated_at: at, closed_at: event.data.skippedAt, closed_by: event.data.labelerId };
  }
  return doc;
}

/** One document per labeling task; the backlog is the open and claimed ones. */
export const labelingBacklogProjection = documentProjection<BacklogTaskDoc>({
  name: 'labeling-backlog',
  version: 1,
  collection: LABELING_BACKLOG_COLLECTION,
  indexes: [
    ['tenant_id', 'status', 'priority'],
    ['tenant_id', 'status', 'created_at'],
    ['tenant_id', 'example_id'],
    ['status'],
  ],
  eventTypes: LABELING_TASK_EVENT_TYPES,
  key: (event) => (typeof event.data.taskId === 'string' ? event.data.taskId : null),
  evolve: evolveBacklogTask,
});

import { RecordedEvent } from '../../domain/shared/events';
import { LabelingTaskEvent } from '../../domain/training/labeling-task.events';
import { BacklogTaskDoc, evolveBacklogTask } from './labeling-backlog.projection';

let position = 0;
function recorded(event: LabelingTaskEvent, occurredAt = '2026-01-05T10:00:00.000Z'): RecordedEvent {
  position += 1;
  return {
    eventId: `e${position}`,
    stream: `labeling_task-${event.data.taskId}`,
    revision: position - 1,
    position,
    type: event.type,
    data: event.data,
    metadata: { tenantId: 'acme', actorId: 'x', correlationId: 'c', causationId: null, occurredAt, schemaVersion: 1 },
    recordedAt: occurredAt,
  };
}

const fold = (events: LabelingTaskEvent[]): BacklogTaskDoc | null => events.map((e) => recorded(e)).reduce<BacklogTaskDoc | null>(evolveBacklogTask, null);

const created: LabelingTaskEvent = {
  type: 'LabelingTaskCreated',
  data: { taskId: 't1', tenantId: 'acme', batchId: 'b', exampleId: 'mr_1', sourceSystem: 'meter_reading', priority: 0.8, rank: 2, createdAt: '2026-01-05T09:00:00.000Z' },
};
const claimed: LabelingTaskEvent = {
  type: 'LabelingTaskClaimed',
  data: { taskId: 't1', exampleId: 'mr_1', labelerId: 'ann', claimedAt: '2026-01-05T10:00:00.000Z', leaseExpiresAt: '2026-01-05T10:30:00.000Z' },
};

describe('labeling backlog projection', () => {
  it('given a created task, it is open with its priority and source system', () => {
    expect(fold([created])).toMatchObject({ task_id: 't1', tenant_id: 'acme', status: 'open', priority: 0.8, rank: 2, source_system: 'meter_reading', claimed_by: null });
  });

  it('a claim records holder and lease; an extension moves the lease; a release clears both', () => {
    expect(fold([created, claimed])).toMatchObject({ status: 'claimed', claimed_by: 'ann', lease_expires_at: '2026-01-05T10:30:00.000Z' });
    const extended: LabelingTaskEvent = { type: 'LabelingTaskLeaseExtended', data: { taskId: 't1', labelerId: 'ann', extendedAt: 'x', leaseExpiresAt: '2026-01-05T11:00:00.000Z' } };
    expect(fold([created, claimed, extended])?.lease_expires_at).toBe('2026-01-05T11:00:00.000Z');
    const released: LabelingTaskEvent = { type: 'LabelingTaskReleased', data: { taskId: 't1', labelerId: 'ann', releasedAt: 'x' } };
    expect(fold([created, claimed, released])).toMatchObject({ status: 'open', claimed_by: null, lease_expires_at: null });
  });

  it('completed and skipped tasks leave the backlog with who closed them', () => {
    const completed: LabelingTaskEvent = { type: 'LabelingTaskCompleted', data: { taskId: 't1', exampleId: 'mr_1', labelerId: 'ann', label: '1', completedAt: '2026-01-05T10:05:00.000Z' } };
    expect(fold([created, claimed, completed])).toMatchObject({ status: 'completed', closed_by: 'ann', closed_at: '2026-01-05T10:05:00.000Z', claimed_by: null });
    const skipped: LabelingTaskEvent = { type: 'LabelingTaskSkipped', data: { taskId: 't1', exampleId: 'mr_1', labelerId: 'ann', skippedAt: '2026-01-05T10:06:00.000Z' } };
    expect(fold([created, claimed, skipped])).toMatchObject({ status: 'skipped', closed_by: 'ann' });
  });

  it('ignores events of a task it never saw created', () => {
    expect(fold([claimed])).toBeNull();
  });
});

import { RecordedEvent } from '../../domain/shared/events';
import { batchTaskCommands, captureResumedCommands, taskLabelCommands } from './active-learning.sagas';

function recorded(type: string, data: Record<string, unknown>, eventId = 'evt-1'): RecordedEvent {
  return {
    eventId,
    stream: 's',
    revision: 0,
    position: 7,
    type,
    data,
    metadata: { tenantId: 'acme', actorId: 'ann', correlationId: 'corr', causationId: null, occurredAt: '2026-01-06T09:00:00.000Z', schemaVersion: 1 },
    recordedAt: '2026-01-06T09:00:00.000Z',
  };
}

describe('active-learning sagas', () => {
  it('given a selected batch, when it reacts, then it queues each chosen example and creates its task, ids from the batch and the task', () => {
    const chosen = { exampleId: 'mr_1', taskId: 't1', priority: 0.9, rank: 1, sourceSystem: 'meter_reading' };
    const batch = { batchId: 'acme.2026-W02', tenantId: 'acme', selectedAt: '2026-01-06T09:00:00.000Z', chosen: [chosen] };
    const [sent] = batchTaskCommands(recorded('ActiveLearningBatchSelected', batch));
    const plain = ({ stream, command, context }: { stream: string; command: unknown; context: { commandId: string; actorId: string; causationId: string | null } }) => ({ stream, command, context });
    expect(plain(sent.queue)).toEqual({
      stream: 'example-mr_1',
      command: { type: 'QueueTrainingExample', exampleId: 'mr_1', batchId: 'acme.2026-W02', taskId: 't1', priority: 0.9 },
      context: { tenantId: 'acme', actorId: 'saga:active-learning-batch-tasks', commandId: 'active-learning:acme.2026-W02:queue:t1', correlationId: 'corr', causationId: 'evt-1' },
    });
    expect(plain(sent.task)).toEqual({
      stream: 'labeling_task-t1',
      command: { kind: 'create', taskId: 't1', tenantId: 'acme', batchId: 'acme.2026-W02', exampleId: 'mr_1', sourceSystem: 'meter_reading', priority: 0.9, rank: 1, at: '2026-01-06T09:00:00.000Z' },
      context: { tenantId: 'acme', actorId: 'saga:active-learning-batch-tasks', commandId: 'active-learning:acme.2026-W02:task:t1', correlationId: 'corr', causationId: 'evt-1' },
    });
    expect(batchTaskCommands(recorded('ActiveLearningBatchSelected', { ...batch, chosen: [] }))).toEqual([]);
  });

  it('given a completed task, when it reacts, then it labels the example with the command id the submit used', () => {
    const sent = taskLabelCommands(recorded('LabelingTaskCompleted', { taskId: 't1', exampleId: 'mr_1', labelerId: 'ann', label: '01234', completedAt: 'x' }));
    expect(sent.map(({ stream, command, context }) => ({ stream, command, context }))).toEqual([
      {
        stream: 'example-mr_1',
        command: { type: 'LabelTrainingExample', exampleId: 'mr_1', taskId: 't1', label: '01234', labelerId: 'ann' },
        context: { tenantId: 'acme', actorId: 'saga:labeling-task-label', commandId: 'labeling:t1:label', correlationId: 'corr', causationId: 'evt-1' },
      },
    ]);
    expect(taskLabelCommands(recorded('LabelingTaskSkipped', { taskId: 't1' }))).toEqual([]);
  });

  it('given a capture, when it reacts, then it tells the tenant capture monitor, keyed by the event so a replay is harmless', () => {
    const sent = captureResumedCommands(recorded('TrainingExampleCaptured', { exampleId: 'mr_1' }, 'evt-9'));
    expect(sent.map(({ stream, command, context }) => ({ stream, command, commandId: context.commandId }))).toEqual([
      { stream: 'capture_monitor-acme', command: { kind: 'observe_capture', tenantId: 'acme', capturedAt: '2026-01-06T09:00:00.000Z', at: '2026-01-06T09:00:00.000Z' }, commandId: 'capture-monitor:evt-9' },
    ]);
    const untenanted = recorded('TrainingExampleCaptured', { exampleId: 'mr_1' });
    expect(captureResumedCommands({ ...untenanted, metadata: { ...untenanted.metadata, tenantId: null } })).toEqual([]);
  });
});

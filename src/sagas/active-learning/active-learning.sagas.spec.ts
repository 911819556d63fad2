import { BatchFanoutService } from '../../commands/training/batch-fanout.service';
import { RecordedEvent } from '../../domain/shared/events';
import { BatchTasksSaga, captureResumedCommands, taskLabelCommands } from './active-learning.sagas';

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
  it('given a batch, ensures its tasks with the batch as the source of every command id', async () => {
    const ensureTasks = jest.fn().mockResolvedValue(0);
    const saga = new BatchTasksSaga({ ensureTasks } as unknown as BatchFanoutService);
    const batch = { batchId: 'acme.2026-W02', tenantId: 'acme', chosen: [] };
    await saga.handle(recorded('ActiveLearningBatchSelected', batch));
    expect(ensureTasks).toHaveBeenCalledWith(batch, { tenantId: 'acme', actorId: 'saga:active-learning-batch-tasks', correlationId: 'corr', causationId: 'evt-1' });
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

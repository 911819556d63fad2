import { CommandBus } from '@nestjs/cqrs';
import { BatchFanoutService } from '../../commands/training/batch-fanout.service';
import { LabelingTaskService } from '../../commands/training/labeling-task.service';
import { Decide } from '../../commands/shared/decide.command';
import { RecordedEvent } from '../../domain/shared/events';
import { BatchTasksSaga, CaptureResumedSaga, TaskLabelSaga } from './active-learning.sagas';

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

  it('given a completed task, labels its example with the same command id the submit used', async () => {
    const labelExample = jest.fn().mockResolvedValue(0);
    const saga = new TaskLabelSaga({ labelExample } as unknown as LabelingTaskService);
    await saga.handle(recorded('LabelingTaskCompleted', { taskId: 't1', exampleId: 'mr_1', labelerId: 'ann', label: '01234', completedAt: 'x' }));
    expect(labelExample).toHaveBeenCalledWith('t1', 'mr_1', '01234', 'ann', expect.objectContaining({ commandId: 'labeling:t1:label', causationId: 'evt-1' }));
  });

  it('given a capture, tells the tenant capture monitor, keyed by the event so a replay is harmless', async () => {
    const execute = jest.fn().mockResolvedValue({ events: [], position: 0 });
    const saga = new CaptureResumedSaga({ execute } as unknown as CommandBus);
    await saga.handle(recorded('TrainingExampleCaptured', { exampleId: 'mr_1' }, 'evt-9'));
    const sent = execute.mock.calls[0][0] as Decide<unknown, unknown, never>;
    expect(sent.stream).toBe('capture_monitor-acme');
    expect(sent.command).toEqual({ kind: 'observe_capture', tenantId: 'acme', capturedAt: '2026-01-06T09:00:00.000Z', at: '2026-01-06T09:00:00.000Z' });
    expect(sent.context.commandId).toBe('capture-monitor:evt-9');
  });
});

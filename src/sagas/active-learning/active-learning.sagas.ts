import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { BatchFanoutService } from '../../commands/training/batch-fanout.service';
import { LabelingTaskService } from '../../commands/training/labeling-task.service';
import { contextFromEvent } from '../../commands/shared/command-context';
import { Decide } from '../../commands/shared/decide.command';
import { RecordedEvent, isEventOf, streamName } from '../../domain/shared/events';
import { ActiveLearningBatchSelected } from '../../domain/training/active-learning-batch.events';
import { captureMonitorDecider } from '../../domain/training/capture-monitor.decider';
import { CAPTURE_MONITOR_CATEGORY } from '../../domain/training/capture-monitor.events';
import { LabelingTaskCompleted } from '../../domain/training/labeling-task.events';
import { Saga } from '../saga-runner';

/**
 * Backs up the API's inline fan-out: a batch whose tasks were not all created (a crash between
 * appends) gets them from here. Command ids come from the batch, so after a normal run this
 * appends nothing.
 */
@Injectable()
export class BatchTasksSaga implements Saga {
  readonly name = 'active-learning-batch-tasks';
  readonly eventTypes = ['ActiveLearningBatchSelected'];

  constructor(private readonly fanout: BatchFanoutService) {}

  async handle(event: RecordedEvent): Promise<void> {
    if (!isEventOf<ActiveLearningBatchSelected>(event, 'ActiveLearningBatchSelected')) return;
    const { tenantId, actorId, correlationId, causationId } = contextFromEvent(event, `saga:${this.name}`, event.eventId);
    await this.fanout.ensureTasks(event.data, { tenantId, actorId, correlationId, causationId });
  }
}

/** A completed task labels its example (the submit does it inline; this covers a crash in between). */
@Injectable()
export class TaskLabelSaga implements Saga {
  readonly name = 'labeling-task-label';
  readonly eventTypes = ['LabelingTaskCompleted'];

  constructor(private readonly tasks: LabelingTaskService) {}

  async handle(event: RecordedEvent): Promise<void> {
    if (!isEventOf<LabelingTaskCompleted>(event, 'LabelingTaskCompleted')) return;
    const d = event.data;
    const context = contextFromEvent(event, `saga:${this.name}`, `labeling:${d.taskId}:label`);
    await this.tasks.labelExample(d.taskId, d.exampleId, d.label, d.labelerId, context);
  }
}

/** A capture clears an open CaptureStalled alert at once, without waiting for the next tick. */
@Injectable()
export class CaptureResumedSaga implements Saga {
  readonly name = 'capture-monitor-resume';
  readonly eventTypes = ['TrainingExampleCaptured'];

  constructor(private readonly commandBus: CommandBus) {}

  async handle(event: RecordedEvent): Promise<void> {
    const tenantId = event.metadata.tenantId;
    if (!tenantId) return;
    const at = event.metadata.occurredAt;
    await this.commandBus.execute(
      new Decide(
        streamName(CAPTURE_MONITOR_CATEGORY, tenantId),
        captureMonitorDecider,
        { kind: 'observe_capture', tenantId, capturedAt: at, at },
        contextFromEvent(event, `saga:${this.name}`, `capture-monitor:${event.eventId}`),
      ),
    );
  }
}

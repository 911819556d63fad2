import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { BatchFanoutService } from '../../commands/training/batch-fanout.service';
import { contextFromEvent } from '../../commands/shared/command-context';
import { Decide } from '../../commands/shared/decide.command';
import { RecordedEvent, isEventOf, streamName } from '../../domain/shared/events';
import { ActiveLearningBatchSelected } from '../../domain/training/active-learning-batch.events';
import { ConflictError } from '../../domain/shared/errors';
import { CaptureMonitorCommand, CaptureMonitorState, captureMonitorDecider } from '../../domain/training/capture-monitor.decider';
import { CAPTURE_MONITOR_CATEGORY, CaptureMonitorEvent } from '../../domain/training/capture-monitor.events';
import { TrainingExampleCommand, TrainingExampleState, trainingExampleDecider } from '../../domain/training/training-example.decider';
import { TrainingExampleEvent } from '../../domain/training/training-example.events';
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

/** The pure part: a completed task labels its example, with the command id the submit used. */
export function taskLabelCommands(event: RecordedEvent): Decide<TrainingExampleState, TrainingExampleCommand, TrainingExampleEvent>[] {
  if (!isEventOf<LabelingTaskCompleted>(event, 'LabelingTaskCompleted')) return [];
  const d = event.data;
  const context = contextFromEvent(event, `saga:${TASK_LABEL_SAGA}`, `labeling:${d.taskId}:label`);
  return [new Decide(streamName('example', d.exampleId), trainingExampleDecider, { type: 'LabelTrainingExample', exampleId: d.exampleId, taskId: d.taskId, label: d.label, labelerId: d.labelerId }, context)];
}

const TASK_LABEL_SAGA = 'labeling-task-label';

/** A completed task labels its example (the submit does it inline; this covers a crash in between). */
@Injectable()
export class TaskLabelSaga implements Saga {
  readonly name = TASK_LABEL_SAGA;
  readonly eventTypes = ['LabelingTaskCompleted'];

  constructor(private readonly commandBus: CommandBus) {}

  async handle(event: RecordedEvent): Promise<void> {
    for (const command of taskLabelCommands(event)) {
      // Already labeled through another task: the task keeps its label as a record.
      await this.commandBus.execute(command).catch((error: unknown) => {
        if (!(error instanceof ConflictError)) throw error;
      });
    }
  }
}

/** The pure part: a capture tells the tenant's capture monitor, keyed by the event (a replay is harmless). */
export function captureResumedCommands(event: RecordedEvent): Decide<CaptureMonitorState, CaptureMonitorCommand, CaptureMonitorEvent>[] {
  const tenantId = event.metadata.tenantId;
  if (!tenantId || event.type !== 'TrainingExampleCaptured') return [];
  const at = event.metadata.occurredAt;
  return [
    new Decide(
      streamName(CAPTURE_MONITOR_CATEGORY, tenantId),
      captureMonitorDecider,
      { kind: 'observe_capture', tenantId, capturedAt: at, at },
      contextFromEvent(event, `saga:${CAPTURE_RESUMED_SAGA}`, `capture-monitor:${event.eventId}`),
    ),
  ];
}

const CAPTURE_RESUMED_SAGA = 'capture-monitor-resume';

/** A capture clears an open CaptureStalled alert at once, without waiting for the next tick. */
@Injectable()
export class CaptureResumedSaga implements Saga {
  readonly name = CAPTURE_RESUMED_SAGA;
  readonly eventTypes = ['TrainingExampleCaptured'];

  constructor(private readonly commandBus: CommandBus) {}

  async handle(event: RecordedEvent): Promise<void> {
    for (const command of captureResumedCommands(event)) await this.commandBus.execute(command);
  }
}

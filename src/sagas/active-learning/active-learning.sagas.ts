import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { contextFromEvent, Decide } from '../../runtime/decide';
import { RecordedEvent, isEventOf, streamName } from '../../domain/shared/events';
import { ActiveLearningBatchSelected } from '../../domain/training/active-learning-batch.events';
import { ConflictError, NotFoundError } from '../../domain/shared/errors';
import { CaptureMonitorCommand, CaptureMonitorState, captureMonitorDecider } from '../../domain/training/capture-monitor.decider';
import { CAPTURE_MONITOR_CATEGORY, CaptureMonitorEvent } from '../../domain/training/capture-monitor.events';
import { TrainingExampleCommand, TrainingExampleState, trainingExampleDecider } from '../../domain/training/training-example.decider';
import { TrainingExampleEvent } from '../../domain/training/training-example.events';
import { LABELING_TASK_CATEGORY, LabelingTaskCompleted, LabelingTaskEvent } from '../../domain/training/labeling-task.events';
import { LabelingTaskCommand, LabelingTaskState, labelingTaskDecider } from '../../domain/training/labeling-task.decider';
import { LabelingTaskFanout } from '../../ports/labeling-task-fanout.port';
import { Saga } from '../saga-runner';

/** The commands of one chosen example: queue it, then create its task (in that order). */
export interface ChosenCommands {
  readonly exampleId: string;
  readonly queue: Decide<TrainingExampleState, TrainingExampleCommand, TrainingExampleEvent>;
  readonly task: Decide<LabelingTaskState, LabelingTaskCommand, LabelingTaskEvent>;
}

/**
 * The pure part: a selected batch queues each chosen example and creates its labeling task.
 * Every command id comes from the batch and the task, so a replay appends nothing.
 */
export function batchTaskCommands(event: RecordedEvent): ChosenCommands[] {
  if (!isEventOf<ActiveLearningBatchSelected>(event, 'ActiveLearningBatchSelected')) return [];
  const batch = event.data;
  const context = (commandId: string) => contextFromEvent(event, `saga:${BATCH_TASKS_SAGA}`, commandId);
  return batch.chosen.map((c) => ({
    exampleId: c.exampleId,
    queue: new Decide(
      streamName('example', c.exampleId),
      trainingExampleDecider,
      { type: 'QueueTrainingExample', exampleId: c.exampleId, batchId: batch.batchId, taskId: c.taskId, priority: c.priority },
      context(`active-learning:${batch.batchId}:queue:${c.taskId}`),
    ),
    task: new Decide(
      streamName(LABELING_TASK_CATEGORY, c.taskId),
      labelingTaskDecider,
      { kind: 'create', taskId: c.taskId, tenantId: batch.tenantId, batchId: batch.batchId, exampleId: c.exampleId, sourceSystem: c.sourceSystem, priority: c.priority, rank: c.rank, at: batch.selectedAt },
      context(`active-learning:${batch.batchId}:task:${c.taskId}`),
    ),
  }));
}

const BATCH_TASKS_SAGA = 'active-learning-batch-tasks';
const PARALLEL = 8;

/**
 * Turns a selected batch into its labeling tasks: the one place this fan-out happens. The
 * active-learning run calls `createTasks` through the `LABELING_TASK_FANOUT` port for
 * read-your-writes; the saga does the same for every batch, so a crash between the batch and its
 * tasks loses nothing, and the deterministic command ids make the second run append nothing.
 */
@Injectable()
export class BatchTasksSaga implements Saga, LabelingTaskFanout {
  private readonly logger = new Logger('active-learning');
  readonly name = BATCH_TASKS_SAGA;
  readonly eventTypes = ['ActiveLearningBatchSelected'];

  constructor(private readonly commandBus: CommandBus) {}

  async handle(event: RecordedEvent): Promise<void> {
    await this.createTasks(event);
  }

  async createTasks(batch: RecordedEvent): Promise<number> {
    const planned = batchTaskCommands(batch);
    let position = 0;
    for (let i = 0; i < planned.length; i += PARALLEL) {
      const written = await Promise.all(planned.slice(i, i + PARALLEL).map((c) => this.send(c)));
      position = Math.max(position, ...written);
    }
    return position;
  }

  private async send(c: ChosenCommands): Promise<number> {
    try {
      const queued = await this.commandBus.execute(c.queue);
      const created = await this.commandBus.execute(c.task);
      return Math.max(queued.position, created.position);
    } catch (error) {
      // The example was labeled (or vanished) between selection and queueing: no task for it.
      if (!(error instanceof ConflictError || error instanceof NotFoundError)) throw error;
      this.logger.warn(`no labeling task for ${c.exampleId}: ${error.message}`);
      return 0;
    }
  }
}

/** The pure part: a completed task labels its example, keyed by the task (a replay appends nothing). */
export function taskLabelCommands(event: RecordedEvent): Decide<TrainingExampleState, TrainingExampleCommand, TrainingExampleEvent>[] {
  if (!isEventOf<LabelingTaskCompleted>(event, 'LabelingTaskCompleted')) return [];
  const d = event.data;
  const context = contextFromEvent(event, `saga:${TASK_LABEL_SAGA}`, `labeling:${d.taskId}:label`);
  return [new Decide(streamName('example', d.exampleId), trainingExampleDecider, { type: 'LabelTrainingExample', exampleId: d.exampleId, taskId: d.taskId, label: d.label, labelerId: d.labelerId }, context)];
}

const TASK_LABEL_SAGA = 'labeling-task-label';

/** A completed task labels its example: the one place this effect happens. */
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

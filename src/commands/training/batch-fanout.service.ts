import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ConflictError, NotFoundError } from '../../domain/shared/errors';
import { streamName } from '../../domain/shared/events';
import { ActiveLearningBatchSelected } from '../../domain/training/active-learning-batch.events';
import { LABELING_TASK_CATEGORY } from '../../domain/training/labeling-task.events';
import { labelingTaskDecider } from '../../domain/training/labeling-task.decider';
import { trainingExampleDecider } from '../../domain/training/training-example.decider';
import { CommandContext } from '../shared/command-context';
import { Decide } from '../shared/decide.command';

const PARALLEL = 8;

/**
 * Turns a selected batch into its labeling tasks and queues each example. Every command id is
 * derived from the batch and the task, so the API run, the CLI and the saga that backs them up
 * may all do it: whatever ran first took effect, the rest append nothing.
 */
@Injectable()
export class BatchFanoutService {
  private readonly logger = new Logger('active-learning');

  constructor(private readonly commandBus: CommandBus) {}

  /** Returns the highest log position written (0 when everything already existed). */
  async ensureTasks(batch: ActiveLearningBatchSelected['data'], base: Omit<CommandContext, 'commandId'>): Promise<number> {
    let position = 0;
    for (let i = 0; i < batch.chosen.length; i += PARALLEL) {
      const positions = await Promise.all(batch.chosen.slice(i, i + PARALLEL).map((c) => this.ensureOne(batch, c, base)));
      position = Math.max(position, ...positions);
    }
    return position;
  }

  private async ensureOne(batch: ActiveLearningBatchSelected['data'], c: ActiveLearningBatchSelected['data']['chosen'][number], base: Omit<CommandContext, 'commandId'>): Promise<number> {
    try {
      const queued = await this.commandBus.execute(
        new Decide(
          streamName('example', c.exampleId),
          trainingExampleDecider,
          { type: 'QueueTrainingExample', exampleId: c.exampleId, batchId: batch.batchId, taskId: c.taskId, priority: c.priority },
          { ...base, commandId: `active-learning:${batch.batchId}:queue:${c.taskId}` },
        ),
      );
      const created = await this.commandBus.execute(
        new Decide(
          streamName(LABELING_TASK_CATEGORY, c.taskId),
          labelingTaskDecider,
          {
            kind: 'create',
            taskId: c.taskId,
            tenantId: batch.tenantId,
            batchId: batch.batchId,
            exampleId: c.exampleId,
            sourceSystem: c.sourceSystem,
            priority: c.priority,
            rank: c.rank,
            at: batch.selectedAt,
          },
          { ...base, commandId: `active-learning:${batch.batchId}:task:${c.taskId}` },
        ),
      );
      return Math.max(queued.position, created.position);
    } catch (error) {
      // The example was labeled (or vanished) between selection and queueing: no task for it.
      if (error instanceof ConflictError || error instanceof NotFoundError) {
        this.logger.warn(`no labeling task for ${c.exampleId} in batch ${batch.batchId}: ${error.message}`);
        return 0;
      }
      throw error;
    }
  }
}

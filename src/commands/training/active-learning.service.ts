import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig } from '../../config';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { ValidationError } from '../../domain/shared/errors';
import { RecordedEvent, streamName } from '../../domain/shared/events';
import { activeLearningBatchDecider, taskIdFor } from '../../domain/training/active-learning-batch.decider';
import { ACTIVE_LEARNING_BATCH_CATEGORY, ActiveLearningBatchSelected, ChosenExample, batchIdFor } from '../../domain/training/active-learning-batch.events';
import { isoWeekKey } from '../../domain/training/iso-week';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { LABELING_TASK_FANOUT, LabelingTaskFanout } from '../../ports/labeling-task-fanout.port';
import { ML_COMPUTE, MlComputePort } from '../../ports/ml-compute.port';
import { CommandContext, Decide } from '../../runtime/decide';
import { ExamplePoolService } from './example-pool.service';

export const DEFAULT_BATCH_SIZE = 50;
export const MAX_BATCH_SIZE = 500;

export interface ActiveLearningRun {
  readonly batchId: string;
  readonly week: string;
  /** false when this week's batch already existed (a second run): nothing new was chosen. */
  readonly created: boolean;
  readonly topUp: boolean;
  /** The batch's stream. */
  readonly stream: string;
  readonly poolSize: number;
  readonly strategy: string | null;
  readonly selected: readonly ChosenExample[];
  /** Log position after the batch and its tasks; 0 when nothing was ever written. */
  readonly position: number;
}

/**
 * One active-learning run for a tenant: one batch per ISO week (in the configured time zone),
 * seeded by the batch id, so the schedule, the API and the CLI agree and repeat nothing.
 */
@Injectable()
export class ActiveLearningService {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly pool: ExamplePoolService,
    @Inject(LABELING_TASK_FANOUT) private readonly fanout: LabelingTaskFanout,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ML_COMPUTE) private readonly compute: MlComputePort,
  ) {}

  /**
   * For the API, the weekly schedule and the CLI (`actorId` names who asked). With `topUp` (an id
   * unique to the request) a top-up batch: its own id and stream beside the week's batch, chosen
   * from what no open task holds, as many per week as asked.
   */
  async runActiveLearning(tenantId: string, batchSize: number = DEFAULT_BATCH_SIZE, at: Date = this.clock.now(), actorId = 'schedule:active-learning', topUp: string | null = null): Promise<ActiveLearningRun> {
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new ValidationError(`batch_size must be an integer 1-${MAX_BATCH_SIZE}`, { fields: { batch_size: [`must be an integer 1-${MAX_BATCH_SIZE}`] } });
    }
    const week = isoWeekKey(at, this.config.timeZone);
    const batchId = topUp === null ? batchIdFor(tenantId, week) : `${batchIdFor(tenantId, week)}.topup-${topUp}`;
    const stream = streamName(ACTIVE_LEARNING_BATCH_CATEGORY, batchId);
    const base: Omit<CommandContext, 'commandId'> = { tenantId, actorId, correlationId: `active-learning:${batchId}`, causationId: null };

    let recorded = await this.existing(stream);
    let created = false;
    let position = 0;
    if (!recorded) {
      const { examples, sourceSystems } = await this.pool.load(tenantId);
      if (examples.length === 0) return { batchId, week, created: false, topUp: topUp !== null, stream, poolSize: 0, strategy: null, selected: [], position: 0 };
      const selection = await this.compute.selectActiveLearningBatch(examples, { batchSize, seed: batchId });
      const corrections = new Set(examples.filter((e) => e.isCorrection).map((e) => e.exampleId));
      const chosen: ChosenExample[] = selection.selected.map((s) => ({
        exampleId: s.exampleId,
        taskId: taskIdFor(batchId, s.exampleId),
        sourceSystem: sourceSystems.get(s.exampleId) ?? 'meter_reading',
        isCorrection: corrections.has(s.exampleId),
        uncertaintyScore: s.uncertaintyScore,
        diversityDistance: s.diversityDistance,
        rank: s.rank,
        priority: s.uncertaintyScore,
      }));
      const result = await this.commandBus.execute(
        new Decide(
          stream,
          activeLearningBatchDecider,
          {
            kind: 'select',
            batchId,
            tenantId,
            week,
            strategy: selection.strategy,
            parameters: { ...selection.parameters },
            seed: batchId,
            poolIds: examples.map((e) => e.exampleId),
            chosen,
            at: this.clock.now().toISOString(),
          },
          { ...base, commandId: `active-learning:${batchId}` },
        ),
      );
      created = result.events.length > 0;
      position = result.position;
      recorded = await this.existing(stream);
      if (!recorded) throw new Error(`batch ${batchId} was not recorded`);
    }
    const batch = recorded.data as ActiveLearningBatchSelected['data'];
    // Read-your-writes: the tasks exist when this answers (the batch's saga would create them too).
    position = Math.max(position, await this.fanout.createTasks(recorded));
    // A repeated run wrote nothing: the head covers the batch and the tasks written before.
    if (position === 0) position = await this.events.headPosition();
    return { batchId, week, created, topUp: topUp !== null, stream, poolSize: batch.poolSize, strategy: batch.strategy, selected: batch.chosen, position };
  }

  private async existing(stream: string): Promise<RecordedEvent | null> {
    const [first] = await this.events.readStream(stream, { limit: 1 });
    return first && first.type === 'ActiveLearningBatchSelected' ? first : null;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig } from '../../config';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { RecordedEvent, isEventOf, streamName } from '../../domain/shared/events';
import { PredictionCommand, PredictionState, RecordOutcome, predictionDecider } from '../../domain/predictions/prediction.decider';
import { PredictionEvent, PredictionOutcomeRecorded } from '../../domain/predictions/prediction.events';
import { outcomesOfConflict } from '../../domain/predictions/outcome-matching';
import { ConflictResolved } from '../../domain/sync/sync.events';
import { READ_STORE, ReadStore } from '../../ports/read-store.port';
import { CommandContext, contextFromEvent } from '../../commands/shared/command-context';
import { Decide } from '../../commands/shared/decide.command';
import { BySyncDoc, PREDICTIONS_BY_SYNC, syncKey } from '../../projections/predictions/prediction-log.projection';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { Saga } from '../saga-runner';
import { AccuracyAlertService } from './accuracy-alert.service';

/** One command id per prediction outcome, whoever sends it: the saga, the sweep or a replay. */
export const outcomeCommandId = (predictionId: string) => `outcome:${predictionId}`;

export function recordOutcomeCommand(
  outcome: Omit<RecordOutcome, 'type'>,
  context: CommandContext,
): Decide<PredictionState, PredictionCommand, PredictionEvent> {
  return new Decide(streamName('prediction', outcome.predictionId), predictionDecider, { type: 'RecordOutcome', ...outcome }, context);
}

/**
 * A conflict of a sync that had predictions closes them at once as positive outcomes; each
 * outcome recorded re-checks the accuracy alert. Which predictions belong to a sync is read
 * from the prediction log once it has applied the conflict's position.
 */
@Injectable()
export class OutcomesSaga implements Saga {
  readonly name = 'prediction-outcomes';
  readonly eventTypes = ['ConflictResolved', 'PredictionOutcomeRecorded'];

  constructor(
    private readonly commandBus: CommandBus,
    private readonly runner: ProjectionRunner,
    private readonly alerts: AccuracyAlertService,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    if (!(await this.runner.waitForPosition(event.position, 10_000))) throw new Error(`read models have not reached position ${event.position}`);
    if (isEventOf<ConflictResolved>(event, 'ConflictResolved')) {
      const d = event.data;
      const doc = await this.store.get<BySyncDoc>(await this.runner.catalog.collection(PREDICTIONS_BY_SYNC), syncKey(d.tenantId, d.syncId));
      for (const outcome of outcomesOfConflict(d, doc?.prediction_ids ?? [], this.config.conflictDecisionThreshold, this.clock.now().toISOString())) {
        await this.commandBus.execute(recordOutcomeCommand(outcome, contextFromEvent(event, 'saga:prediction-outcomes', outcomeCommandId(outcome.predictionId))));
      }
    } else if (isEventOf<PredictionOutcomeRecorded>(event, 'PredictionOutcomeRecorded')) {
      await this.alerts.evaluate(event.data.modelType, contextFromEvent(event, 'saga:prediction-outcomes', `accuracy-alert:${event.eventId}`));
    }
  }
}

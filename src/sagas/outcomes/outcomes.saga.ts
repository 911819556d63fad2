import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig } from '../../config';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { RecordedEvent, isEventOf } from '../../domain/shared/events';
import { ConflictResolved } from '../../domain/sync/sync.events';
import { PREDICTION_LOG_QUERY, PredictionLogReader } from '../../ports/prediction-log.query';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { Saga } from '../saga-runner';
import { AccuracyAlertService } from './accuracy-alert.service';
import { OUTCOMES_SAGA, OutcomesSagaState, outcomesSagaCommands } from './outcomes.commands';

export { outcomeCommandId, recordOutcomeCommand } from './outcomes.commands';

/**
 * Sends what `outcomesSagaCommands` decides. The state it needs is read first, once the read
 * models have applied the event's position: the sync's predictions from the prediction log, or
 * the model type's accuracy over the alert window.
 */
@Injectable()
export class OutcomesSaga implements Saga {
  readonly name = OUTCOMES_SAGA;
  readonly eventTypes = ['ConflictResolved', 'PredictionOutcomeRecorded'];

  constructor(
    private readonly commandBus: CommandBus,
    private readonly runner: ProjectionRunner,
    private readonly alerts: AccuracyAlertService,
    @Inject(PREDICTION_LOG_QUERY) private readonly log: PredictionLogReader,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    if (!(await this.runner.waitForPosition(event.position, 10_000))) throw new Error(`read models have not reached position ${event.position}`);
    const now = this.clock.now();
    for (const command of outcomesSagaCommands(event, await this.stateFor(event, now), this.config, now)) await this.commandBus.execute(command);
  }

  private async stateFor(event: RecordedEvent, now: Date): Promise<OutcomesSagaState> {
    if (isEventOf<ConflictResolved>(event, 'ConflictResolved')) {
      return { predictionIds: await this.log.predictionIdsOfSync(event.data.tenantId, event.data.syncId) };
    }
    const modelType = (event.data as { modelType?: unknown }).modelType;
    return typeof modelType === 'string' ? { accuracy: await this.alerts.figure(modelType, now) } : {};
  }
}

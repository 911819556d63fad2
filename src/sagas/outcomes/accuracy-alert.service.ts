import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig } from '../../config';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { AccuracyAlertEvent } from '../../domain/predictions/accuracy-alert.decider';
import { CommandContext } from '../../runtime/decide';
import { ACCURACY_QUERY, AccuracyQuery } from '../../ports/accuracy.query';
import { alertWindow, evaluateAccuracyCommand } from './outcomes.commands';

export { ALERT_WINDOW_DAYS } from './outcomes.commands';

/** Reads a model type's 7-day accuracy and sends the alert check (the sweep's daily re-check). */
@Injectable()
export class AccuracyAlertService {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(ACCURACY_QUERY) private readonly accuracy: AccuracyQuery,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Model types with an alert stream so far (their alerts may need raising again or clearing). */
  async knownModelTypes(): Promise<string[]> {
    return (await this.accuracy.alerts()).map((a) => a.model_type);
  }

  /** The accuracy the alert judges for a model type now. */
  figure(modelType: string, now: Date = this.clock.now()): Promise<{ correct: number; total: number }> {
    return this.accuracy.accuracy(modelType, alertWindow(now));
  }

  async evaluate(modelType: string, context: CommandContext): Promise<readonly AccuracyAlertEvent[]> {
    const now = this.clock.now();
    const result = await this.commandBus.execute(evaluateAccuracyCommand(modelType, await this.figure(modelType, now), this.config, now, context));
    return result.events;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig } from '../../config';
import { CLOCK, Clock, DAY_MS } from '../../domain/shared/clock';
import { AccuracyAlertEvent, AccuracyAlertState, EvaluateAccuracy, accuracyAlertDecider } from '../../domain/predictions/accuracy-alert.decider';
import { streamName } from '../../domain/shared/events';
import { CommandContext } from '../../commands/shared/command-context';
import { Decide } from '../../commands/shared/decide.command';
import { AccuracyService } from '../../projections/accuracy/accuracy.service';

export const ALERT_WINDOW_DAYS = 7;

/** Checks a model type's 7-day accuracy against the alert rule and records a change, if any. */
@Injectable()
export class AccuracyAlertService {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly accuracy: AccuracyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Model types with an alert stream so far (their alerts may need raising again or clearing). */
  async knownModelTypes(): Promise<string[]> {
    return (await this.accuracy.alerts()).map((a) => a.model_type);
  }

  async evaluate(modelType: string, context: CommandContext): Promise<readonly AccuracyAlertEvent[]> {
    const now = this.clock.now();
    const { correct, total } = await this.accuracy.accuracy(modelType, { fromMs: now.getTime() - ALERT_WINDOW_DAYS * DAY_MS, toMs: now.getTime() });
    const command: EvaluateAccuracy = {
      type: 'EvaluateAccuracy',
      modelType,
      correct,
      total,
      threshold: this.config.accuracyAlertBelow,
      minSamples: this.config.accuracyAlertMinSamples,
      windowDays: ALERT_WINDOW_DAYS,
      day: now.toISOString().slice(0, 10),
      at: now.toISOString(),
    };
    const result = await this.commandBus.execute(new Decide<AccuracyAlertState, EvaluateAccuracy, AccuracyAlertEvent>(streamName('accuracy_alert', modelType), accuracyAlertDecider, command, context));
    return result.events;
  }
}

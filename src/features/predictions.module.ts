import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { CLOCK, Clock } from '../domain/shared/clock';
import { CONFLICT_PREDICTOR } from '../domain/predictions/prediction.events';

const DAY_MS = 86_400_000;
import { CqrsModule } from '@nestjs/cqrs';
import { MetricsService } from '../infrastructure/observability/metrics.service';
import { accuracyProjection } from '../projections/accuracy/accuracy.projection';
import { AccuracyService } from '../projections/accuracy/accuracy.service';
import { ACCURACY_QUERY } from '../ports/accuracy.query';
import { PredictionLogController } from '../projections/predictions/prediction-log.controller';
import { predictionLogProjection } from '../projections/predictions/prediction-log.projection';
import { PredictionLogQuery } from '../projections/predictions/prediction-log.query';
import { OUTCOME_SWEEP } from '../ports/outcome-sweep.port';
import { PREDICTION_LOG_QUERY } from '../ports/prediction-log.query';
import { ProjectionRunner } from '../runtime/projection-runner';
import { AccuracyAlertService } from '../sagas/outcomes/accuracy-alert.service';
import { OutcomeSweepService } from '../sagas/outcomes/outcome-sweep.service';
import { OutcomesSaga } from '../sagas/outcomes/outcomes.saga';
import { SagaRunner } from '../runtime/saga-runner';
import { ModelsModule } from './models.module';
import { SyncModule } from './sync.module';
import { AccuracyController } from '../projections/accuracy/accuracy.controller';
import { PredictionsController } from '../commands/predictions/predictions.controller';

/** Feature module: conflict predictions, outcomes, accuracy. */
@Module({
  imports: [CqrsModule, SyncModule, ModelsModule],
  controllers: [PredictionsController, PredictionLogController, AccuracyController],
  providers: [
    AccuracyService,
    { provide: ACCURACY_QUERY, useExisting: AccuracyService },
    PredictionLogQuery,
    { provide: PREDICTION_LOG_QUERY, useExisting: PredictionLogQuery },
    AccuracyAlertService,
    OutcomesSaga,
    OutcomeSweepService,
    { provide: OUTCOME_SWEEP, useExisting: OutcomeSweepService },
  ],
  exports: [AccuracyService, ACCURACY_QUERY, OutcomeSweepService],
})
export class PredictionsModule implements OnModuleInit {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly sagas: SagaRunner,
    private readonly outcomes: OutcomesSaga,
    private readonly accuracy: AccuracyService,
    private readonly metrics: MetricsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.runner.register(predictionLogProjection);
    this.runner.register(accuracyProjection);
    this.sagas.register(this.outcomes);
    this.metrics.onCollect(async () => {
      // Platform-wide like the models: no tenant in these series.
      const now = this.clock.now().getTime();
      const week = await this.accuracy.accuracy(CONFLICT_PREDICTOR, { fromMs: now - 7 * DAY_MS, toMs: now });
      if (week.total > 0) this.metrics.accuracy7d.set({ model_type: CONFLICT_PREDICTOR }, week.correct / week.total);
      else this.metrics.accuracy7d.remove({ model_type: CONFLICT_PREDICTOR });
      this.metrics.outcomes7d.set({ model_type: CONFLICT_PREDICTOR, result: 'correct' }, week.correct);
      this.metrics.outcomes7d.set({ model_type: CONFLICT_PREDICTOR, result: 'wrong' }, week.total - week.correct);
      for (const alert of await this.accuracy.alerts()) {
        this.metrics.alerts.set({ alert: 'prediction_accuracy_low', scope: alert.model_type }, alert.raised ? 1 : 0);
      }
    });
  }
}

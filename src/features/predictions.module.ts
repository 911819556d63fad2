import { Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MetricsService } from '../infrastructure/observability/metrics.service';
import { accuracyProjection } from '../projections/accuracy/accuracy.projection';
import { AccuracyService } from '../projections/accuracy/accuracy.service';
import { predictionLogProjection } from '../projections/predictions/prediction-log.projection';
import { ProjectionRunner } from '../runtime/projection-runner';
import { AccuracyAlertService } from '../sagas/outcomes/accuracy-alert.service';
import { OutcomeSweepService } from '../sagas/outcomes/outcome-sweep.service';
import { OutcomesSaga } from '../sagas/outcomes/outcomes.saga';
import { SagaRunner } from '../runtime/saga-runner';
import { ModelsModule } from './models.module';
import { SyncModule } from './sync.module';
import { AccuracyController } from '../commands/predictions/accuracy.controller';
import { PredictionsController } from '../commands/predictions/predictions.controller';

/** Feature module: conflict predictions, outcomes, accuracy (issues 5, 6). */
@Module({
  imports: [CqrsModule, SyncModule, ModelsModule],
  controllers: [PredictionsController, AccuracyController],
  providers: [AccuracyService, AccuracyAlertService, OutcomesSaga, OutcomeSweepService],
  exports: [AccuracyService, OutcomeSweepService],
})
export class PredictionsModule implements OnModuleInit {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly sagas: SagaRunner,
    private readonly outcomes: OutcomesSaga,
    private readonly accuracy: AccuracyService,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.runner.register(predictionLogProjection);
    this.runner.register(accuracyProjection);
    this.sagas.register(this.outcomes);
    this.metrics.onCollect(async () => {
      for (const alert of await this.accuracy.alerts()) {
        this.metrics.alerts.set({ alert: 'prediction_accuracy_low', scope: alert.model_type }, alert.raised ? 1 : 0);
      }
    });
  }
}

import { Module, OnModuleInit } from '@nestjs/common';
import { ModelsModule } from './models.module';
import { PredictionsModule } from './predictions.module';
import { SyncModule } from './sync.module';
import { SagaRunner } from '../runtime/saga-runner';
import { ModelEvaluator } from '../commands/models/model-evaluator';
import { ModelLifecycleController } from '../commands/models/model-lifecycle.controller';
import { RetrainingService } from '../commands/models/retraining.service';
import { RollbackMonitorService } from '../commands/models/rollback-monitor.service';
import { RollbackSaga } from '../sagas/model-lifecycle/rollback.saga';
import { ROLLBACK_CHECK } from '../ports/rollback-check.port';

/** Feature module: weekly retraining, auto-activation, rollback. */
@Module({
  imports: [SyncModule, ModelsModule, PredictionsModule],
  controllers: [ModelLifecycleController],
  providers: [ModelEvaluator, RetrainingService, RollbackMonitorService, { provide: ROLLBACK_CHECK, useExisting: RollbackMonitorService }, RollbackSaga],
  exports: [RetrainingService, RollbackMonitorService],
})
export class ModelLifecycleModule implements OnModuleInit {
  constructor(
    private readonly sagas: SagaRunner,
    private readonly rollback: RollbackSaga,
  ) {}

  onModuleInit(): void {
    this.sagas.register(this.rollback);
  }
}

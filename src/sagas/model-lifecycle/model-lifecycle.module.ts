import { Module, OnModuleInit } from '@nestjs/common';
import { ModelsModule } from '../../commands/models/models.module';
import { PredictionsModule } from '../../commands/predictions/predictions.module';
import { SyncModule } from '../../commands/sync/sync.module';
import { SagaRunner } from '../saga-runner';
import { ModelEvaluator } from './model-evaluator';
import { ModelLifecycleController } from './model-lifecycle.controller';
import { RetrainingService } from './retraining.service';
import { RollbackMonitorService } from './rollback-monitor.service';
import { RollbackSaga } from './rollback.saga';

/** Feature module: weekly retraining, auto-activation, rollback (issue 6). */
@Module({
  imports: [SyncModule, ModelsModule, PredictionsModule],
  controllers: [ModelLifecycleController],
  providers: [ModelEvaluator, RetrainingService, RollbackMonitorService, RollbackSaga],
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

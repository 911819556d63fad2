import { Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MulterModule } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';
import { APP_CONFIG, AppConfig } from '../config';
import { multipartLimits } from '../infrastructure/http/request-limits';
import { ACTIVE_MODELS } from '../ports/active-models.query';
import { MODEL_VERSION_ANSWERS } from '../ports/model-version-answers.port';
import { ModelVersionAnswerService } from '../projections/model-registry/model-answers';
import { ActiveModelService } from '../projections/model-registry/active-model.service';
import { ModelAuditController } from '../commands/models/model-audit.controller';
import { ModelRegistryController } from '../projections/model-registry/model-registry.controller';
import { modelRegistryProjection } from '../projections/model-registry/model-registry.projection';
import { ProjectionRunner } from '../runtime/projection-runner';
import { SyncModule } from './sync.module';
import { ModelRegistryService } from '../commands/models/model-registry.service';
import { ModelStreamReader } from '../commands/models/model-stream.reader';
import { ModelTrainingService } from '../commands/models/model-training.service';
import { ModelsController } from '../commands/models/models.controller';

/** Feature module: model registry, training, serving, upload. */
@Module({
  imports: [
    CqrsModule,
    SyncModule,
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ storage: memoryStorage(), limits: multipartLimits(config) }),
    }),
  ],
  controllers: [ModelsController, ModelRegistryController, ModelAuditController],
  providers: [
    ActiveModelService,
    { provide: ACTIVE_MODELS, useExisting: ActiveModelService },
    ModelVersionAnswerService,
    { provide: MODEL_VERSION_ANSWERS, useExisting: ModelVersionAnswerService },
    ModelStreamReader,
    ModelTrainingService,
    ModelRegistryService,
  ],
  exports: [ActiveModelService, ACTIVE_MODELS, ModelStreamReader, ModelTrainingService, ModelRegistryService],
})
export class ModelsModule implements OnModuleInit {
  constructor(private readonly runner: ProjectionRunner) {}

  onModuleInit(): void {
    this.runner.register(modelRegistryProjection);
  }
}

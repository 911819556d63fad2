import { Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG, AppConfig } from '../config';
import { multipartLimits } from '../infrastructure/http/request-limits';
import { SharpImageFeatures } from '../infrastructure/ocr/image-features';
import { ReadingsController } from '../projections/readings/readings.controller';
import { readingsProjection } from '../projections/readings/readings.projection';
import { TrainingExamplesController } from '../projections/training-examples/training-examples.controller';
import { trainingExamplesProjection } from '../projections/training-examples/training-examples.projection';
import { TrainingExamplesQuery } from '../projections/training-examples/training-examples.query';
import { TRAINING_EXAMPLES_QUERY } from '../ports/training-examples.query';
import { ProjectionRunner } from '../runtime/projection-runner';
import { CaptureSaga } from '../sagas/capture/capture.saga';
import { SagaRunner } from '../runtime/saga-runner';
import { OcrSettingsModule } from './ocr-settings.module';
import { CaptureController } from '../commands/readings/capture.controller';
import { CorrectionsController } from '../commands/readings/corrections.controller';
import { PhotoIntake } from '../commands/readings/photo-intake.service';
import { IMAGE_FEATURES } from '../ports/image-features.port';

/**
 * Feature module: meter readings, vehicle entries, corrections, training examples.
 * Exports TrainingExamplesQuery (and TRAINING_EXAMPLES_QUERY over it) for the labeling and active-learning feature.
 */
@Module({
  imports: [
    CqrsModule,
    OcrSettingsModule,
    // Uploads stay in memory (photos are small and go to the blob store by hash), bounded by MAX_UPLOAD_MB.
    MulterModule.registerAsync({ inject: [APP_CONFIG], useFactory: (config: AppConfig) => ({ limits: multipartLimits(config) }) }),
  ],
  controllers: [CaptureController, CorrectionsController, ReadingsController, TrainingExamplesController],
  providers: [PhotoIntake, CaptureSaga, TrainingExamplesQuery, { provide: TRAINING_EXAMPLES_QUERY, useExisting: TrainingExamplesQuery }, { provide: IMAGE_FEATURES, useClass: SharpImageFeatures }],
  exports: [TrainingExamplesQuery, TRAINING_EXAMPLES_QUERY],
})
export class ReadingsModule implements OnModuleInit {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly sagas: SagaRunner,
    private readonly capture: CaptureSaga,
  ) {}

  onModuleInit(): void {
    this.runner.register(readingsProjection);
    this.runner.register(trainingExamplesProjection);
    this.sagas.register(this.capture);
  }
}

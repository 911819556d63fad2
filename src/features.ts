import { Type } from '@nestjs/common';
import { ModelsModule } from './commands/models/models.module';
import { OcrCalibrationModule } from './commands/ocr-calibration/ocr-calibration.module';
import { PredictionsModule } from './commands/predictions/predictions.module';
import { PrivacyModule } from './commands/privacy/privacy.module';
import { ReadingsModule } from './commands/readings/readings.module';
import { SyncModule } from './commands/sync/sync.module';
import { TrainingModule } from './commands/training/training.module';
import { ModelLifecycleModule } from './sagas/model-lifecycle/model-lifecycle.module';

/** The feature modules of the flywheel; each registers its own projections, sagas and routes. */
export const FEATURE_MODULES: Type[] = [ReadingsModule, TrainingModule, SyncModule, ModelsModule, PredictionsModule, ModelLifecycleModule, OcrCalibrationModule, PrivacyModule];

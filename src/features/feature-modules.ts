import { Type } from '@nestjs/common';
import { ModelsModule } from './models.module';
import { OcrCalibrationModule } from './ocr-calibration.module';
import { PredictionsModule } from './predictions.module';
import { PrivacyModule } from './privacy.module';
import { ReadingsModule } from './readings.module';
import { SyncModule } from './sync.module';
import { TrainingModule } from './training.module';
import { ModelLifecycleModule } from './model-lifecycle.module';

/** The feature modules of the flywheel; each registers its own projections, sagas and routes. */
export const FEATURE_MODULES: Type[] = [ReadingsModule, TrainingModule, SyncModule, ModelsModule, PredictionsModule, ModelLifecycleModule, OcrCalibrationModule, PrivacyModule];

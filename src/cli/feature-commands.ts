import { Provider } from '@nestjs/common';
import { ActiveLearningRunCommand, ModelsActivateCommand, ModelsRetrainCommand, ModelsTrainCommand, OutcomesSweepCommand } from './feature.commands';
import { OcrCalibrateCommand } from './ocr-calibration.commands';

/** CLI commands that drive the features (active learning, models, outcomes, OCR calibration). */
export const FEATURE_CLI_COMMANDS: Provider[] = [ActiveLearningRunCommand, ModelsTrainCommand, ModelsActivateCommand, ModelsRetrainCommand, OutcomesSweepCommand, OcrCalibrateCommand];

import { Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { OcrCalibrationsController } from '../projections/ocr-calibrations/ocr-calibrations.controller';
import { ocrCalibrationsProjection } from '../projections/ocr-calibrations/ocr-calibrations.projection';
import { ocrGroundTruthProjection } from '../projections/ocr-ground-truth/ocr-ground-truth.projection';
import { OcrGroundTruthQuery } from '../projections/ocr-ground-truth/ocr-ground-truth.query';
import { OCR_CALIBRATION_ANSWERS } from '../ports/ocr-calibration-answers.port';
import { OCR_GROUND_TRUTH_QUERY } from '../ports/ocr-ground-truth.query';
import { OcrCalibrationAnswerService } from '../projections/ocr-calibrations/ocr-calibration-answers';
import { ProjectionRunner } from '../runtime/projection-runner';
import { CalibrationFittingService } from '../commands/ocr-calibration/calibration-fitting.service';
import { CalibrationPointerService } from '../commands/ocr-calibration/calibration-pointer.service';
import { OcrCalibrationController } from '../commands/ocr-calibration/ocr-calibration.controller';
import { ShippedCalibrationRecorder } from '../commands/ocr-calibration/shipped-calibration.recorder';

/** Feature module: OCR confidence calibration per engine and mode, fitted from the flywheel's labels. */
@Module({
  imports: [CqrsModule],
  controllers: [OcrCalibrationController, OcrCalibrationsController],
  providers: [
    CalibrationFittingService,
    CalibrationPointerService,
    ShippedCalibrationRecorder,
    OcrGroundTruthQuery,
    { provide: OCR_GROUND_TRUTH_QUERY, useExisting: OcrGroundTruthQuery },
    OcrCalibrationAnswerService,
    { provide: OCR_CALIBRATION_ANSWERS, useExisting: OcrCalibrationAnswerService },
  ],
  exports: [CalibrationFittingService, CalibrationPointerService, OCR_CALIBRATION_ANSWERS],
})
export class OcrCalibrationModule implements OnModuleInit {
  constructor(private readonly runner: ProjectionRunner) {}

  onModuleInit(): void {
    this.runner.register(ocrGroundTruthProjection);
    this.runner.register(ocrCalibrationsProjection);
  }
}

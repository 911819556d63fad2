import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { OCR_CALIBRATION_ANSWERS, OcrCalibrationAnswers } from '../../ports/ocr-calibration-answers.port';
import { CalibrationFittingService, FitResult } from './calibration-fitting.service';
import { FitCalibrationDto } from './ocr-calibration.dto';

export function fitAnswer(answers: OcrCalibrationAnswers, result: FitResult) {
  return { ...answers.fitted(result.calibration, result.eventId, result.position), created: result.created };
}

/**
 * Write side of the OCR calibrations (role ml_engineer). Calibrations are platform-wide: labels
 * from every tenant feed them, and they calibrate every tenant's readings.
 */
@ApiTags('ocr-calibration')
@ApiBearerAuth()
@Controller('api/v2/ocr/calibrations')
@Roles('ml_engineer')
export class OcrCalibrationController {
  constructor(
    private readonly fitting: CalibrationFittingService,
    @Inject(OCR_CALIBRATION_ANSWERS) private readonly answers: OcrCalibrationAnswers,
  ) {}

  /** 201 with the calibration now in force; 422 naming the counts when too few labels exist. */
  @Post('fit')
  @HttpCode(201)
  async fit(@Body() body: FitCalibrationDto, @CurrentPrincipal() principal: Principal) {
    return fitAnswer(this.answers, await this.fitting.fit(body.engine, body.mode, principal.sub));
  }
}

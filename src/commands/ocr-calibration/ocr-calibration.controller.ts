import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { calibrationAnswer } from '../../projections/ocr-calibrations/ocr-calibration-answers';
import { calibrationDoc } from '../../projections/ocr-calibrations/ocr-calibrations.projection';
import { CalibrationFittingService, FitResult } from './calibration-fitting.service';
import { FitCalibrationDto } from './ocr-calibration.dto';

export function fitAnswer(result: FitResult) {
  return { ...calibrationAnswer(calibrationDoc(result.calibration, result.eventId, result.position), true), created: result.created };
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
  constructor(private readonly fitting: CalibrationFittingService) {}

  /** 201 with the calibration now in force; 422 naming the counts when too few labels exist. */
  @Post('fit')
  @HttpCode(201)
  async fit(@Body() body: FitCalibrationDto, @CurrentPrincipal() principal: Principal) {
    return fitAnswer(await this.fitting.fit(body.engine, body.mode, principal.sub));
  }
}

import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { CALIBRATION_ENGINES, CALIBRATION_MODES, CalibrationEngine, CalibrationMode } from '../../domain/ocr-calibration/ocr-calibration.events';
import type { OcrEngineName, OcrMode } from '../../ports/ocr-engine.port';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The domain keeps its own names for engines and modes; these fail to compile when the port's change.
const _enginesMatchThePort: Same<CalibrationEngine, OcrEngineName> = true;
const _modesMatchThePort: Same<CalibrationMode, OcrMode> = true;

export class FitCalibrationDto {
  @ApiProperty({ enum: CALIBRATION_ENGINES })
  @IsIn(CALIBRATION_ENGINES as unknown as string[], { message: `engine must be one of ${CALIBRATION_ENGINES.join(', ')}` })
  engine!: CalibrationEngine;

  @ApiProperty({ enum: CALIBRATION_MODES })
  @IsIn(CALIBRATION_MODES as unknown as string[], { message: `mode must be one of ${CALIBRATION_MODES.join(', ')}` })
  mode!: CalibrationMode;
}

import { Body, Controller, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MODEL_TYPES } from '../../domain/models/model.events';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { Roles } from '../../http/access';
import { toWire } from '../../http/conventions';
import { retrainAnswer } from './retrain-answer';
import { RetrainingService } from './retraining.service';
import { RollbackMonitorService } from './rollback-monitor.service';

class RetrainDto {
  @ApiPropertyOptional({ enum: MODEL_TYPES, default: 'conflict_predictor' })
  @IsOptional()
  @IsIn(MODEL_TYPES as unknown as string[])
  model_type?: string;

  @ApiPropertyOptional({ default: 90, minimum: 1, maximum: 365 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(365)
  days_back?: number;
}

/** The retraining run and the rollback check on demand: what the schedule and the tick do. */
@ApiTags('models')
@ApiBearerAuth()
@Controller('api/v2/ml/models')
@Roles('ml_engineer', 'ops')
export class ModelLifecycleController {
  constructor(
    private readonly retraining: RetrainingService,
    private readonly rollback: RollbackMonitorService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** 201: trains, evaluates candidate and active model on one holdout, and activates or rejects. */
  @Post('retrain')
  async retrain(@Body() body: RetrainDto) {
    return retrainAnswer(await this.retraining.retrain(body.model_type ?? 'conflict_predictor', this.clock.now(), { daysBack: body.days_back }));
  }

  @Post('rollback-check')
  async rollbackCheck(@Body() body: RetrainDto) {
    const check = await this.rollback.check(body.model_type ?? 'conflict_predictor', this.clock.now());
    return toWire({ ...check, ...('position' in check ? { position: String(check.position) } : {}) });
  }
}

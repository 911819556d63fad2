import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { CaptureMonitorService } from '../../commands/training/capture-monitor.service';
import { CurrentPrincipal, Roles } from '../../infrastructure/auth/auth.guard';
import { Principal } from '../../infrastructure/auth/jwt';
import { TrainingMetricsQuery } from './training-metrics.query';

export class MetricsQuery {
  @ApiPropertyOptional({ default: 30, minimum: 1, maximum: 366, description: 'days of captured_per_day' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(366)
  days?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{1,16}$/, { message: 'min_position must be a string of digits' })
  min_position?: string;
}

@ApiTags('ml-training')
@ApiBearerAuth()
@Controller('api/v2/ml-training/metrics')
export class TrainingMetricsController {
  constructor(
    private readonly monitor: CaptureMonitorService,
    private readonly query: TrainingMetricsQuery,
  ) {}

  /**
   * The tenant's training-data flow. The stalled-capture rule is evaluated first, against the
   * clock, so an alert raised or cleared by it is in this very answer (and recorded as an event).
   */
  @Get()
  @Roles('ops', 'ml_engineer')
  async metrics(@CurrentPrincipal() p: Principal, @Query() q: MetricsQuery) {
    const evaluation = await this.monitor.evaluate(p.tenant);
    return { ...(await this.query.metrics(p.tenant, evaluation.state, q.days ?? 30)), position: String(evaluation.position) };
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { TrainingMetricsQuery } from './training-metrics.query';
import { trainingMonitoringProjection } from './training-monitoring.projection';

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
    private readonly query: TrainingMetricsQuery,
    private readonly runner: ProjectionRunner,
  ) {}

  /**
   * The tenant's training-data flow, read from the monitoring projection; `position` is how far in
   * the log that projection has read. The stalled-capture rule runs on the monitoring tick.
   */
  @Get()
  @Roles('ops', 'ml_engineer')
  async metrics(@CurrentPrincipal() p: Principal, @Query() q: MetricsQuery) {
    const answer = await this.query.metrics(p.tenant, q.days ?? 30);
    return { ...answer, position: String(await this.runner.checkpointOf(trainingMonitoringProjection.name)) };
  }
}

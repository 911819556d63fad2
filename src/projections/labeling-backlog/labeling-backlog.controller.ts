import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { SourceSystem } from '../../domain/training/training-example.events';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { ListQuery, listAnswer } from '../../http/conventions';
import { LabelingBacklogQuery } from './labeling-backlog.query';

export class BacklogQuery extends ListQuery {
  @ApiPropertyOptional({ enum: ['meter_reading', 'vehicle_entry'] })
  @IsOptional()
  @IsIn(['meter_reading', 'vehicle_entry'])
  source_system?: SourceSystem;
}

@ApiTags('ml-training')
@ApiBearerAuth()
@Controller('api/v2/ml-training/labeling-backlog')
export class LabelingBacklogController {
  constructor(private readonly backlog: LabelingBacklogQuery) {}

  /** Labelers only (ops read the backlog counts in the training metrics). Open tasks of the caller's tenant, highest priority first (claimed ones included, with holder and lease), and the counts. */
  @Get()
  @Roles('labeler')
  async list(@CurrentPrincipal() p: Principal, @Query() q: BacklogQuery) {
    const [page, counts] = await Promise.all([this.backlog.open(p.tenant, { limit: q.limit, cursor: q.cursor, sourceSystem: q.source_system }), this.backlog.counts(p.tenant)]);
    return {
      ...listAnswer(page, (t) => ({
        task_id: t.task_id,
        example_id: t.example_id,
        batch_id: t.batch_id,
        source_system: t.source_system,
        priority: t.priority,
        rank: t.rank,
        status: t.status,
        claimed_by: t.claimed_by,
        lease_expires_at: t.lease_expires_at,
        created_at: t.created_at,
      })),
      counts,
    };
  }
}

import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { derivedId, newId } from '../../domain/shared/ids';
import { idempotencyKey } from '../../http/idempotency-key';
import { ActiveLearningService, DEFAULT_BATCH_SIZE } from './active-learning.service';
import { RunActiveLearningDto } from './training.dto';

@ApiTags('ml-training')
@ApiBearerAuth()
@Controller('api/v2/ml-training/active-learning')
export class ActiveLearningController {
  constructor(private readonly activeLearning: ActiveLearningService) {}

  /**
   * This ISO week's batch for the caller's tenant. The first run of a week chooses it; later runs
   * in the same week (and the Sunday schedule) answer the same batch and create nothing.
   * `top_up: true` makes a new batch every time instead (after the week's batch is drained).
   */
  @Post('run')
  @HttpCode(201)
  @Roles('ml_engineer', 'ops')
  async run(@CurrentPrincipal() p: Principal, @Body() body: RunActiveLearningDto, @Headers('idempotency-key') rawKey?: string) {
    // A top-up's id: from the Idempotency-Key (a retry finds the same batch), else fresh.
    const key = idempotencyKey(rawKey);
    const topUp = body.top_up === true ? (key ? derivedId('topup', p.tenant, p.sub, key) : newId()).replace(/-/g, '').slice(0, 16) : null;
    const run = await this.activeLearning.runActiveLearning(p.tenant, body.batch_size ?? DEFAULT_BATCH_SIZE, undefined, p.sub, topUp);
    return {
      batch_id: run.batchId,
      week: run.week,
      created: run.created,
      top_up: run.topUp,
      stream: run.stream,
      strategy: run.strategy,
      pool_size: run.poolSize,
      selected: run.selected.map((c) => ({
        example_id: c.exampleId,
        task_id: c.taskId,
        source_system: c.sourceSystem,
        uncertainty_score: c.uncertaintyScore,
        diversity_distance: c.diversityDistance,
        is_correction: c.isCorrection,
        rank: c.rank,
        priority: c.priority,
      })),
      position: String(run.position),
    };
  }
}

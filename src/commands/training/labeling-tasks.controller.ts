import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { idempotencyKey } from '../readings/idempotency';
import { LabelingTaskService } from './labeling-task.service';
import { SkipTaskDto, SubmitLabelDto } from './training.dto';

/**
 * Claim (a lease of LABELING_LEASE_MINUTES; claiming your own task again extends it), submit,
 * skip, release: 200; 409 when another labeler holds the task or you do not; 403 for another
 * tenant's task; 404 for an unknown one.
 */
@ApiTags('ml-training')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false })
@Controller('api/v2/ml-training/labeling-tasks/:id')
@Roles('labeler')
export class LabelingTasksController {
  constructor(private readonly tasks: LabelingTaskService) {}

  @Post('claim')
  @HttpCode(200)
  claim(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Headers('idempotency-key') key?: string) {
    return this.tasks.claim(p, id, idempotencyKey(key));
  }

  @Post('submit')
  @HttpCode(200)
  submit(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: SubmitLabelDto, @Headers('idempotency-key') key?: string) {
    return this.tasks.submit(p, id, body.label, idempotencyKey(key));
  }

  @Post('skip')
  @HttpCode(200)
  skip(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: SkipTaskDto, @Headers('idempotency-key') key?: string) {
    return this.tasks.skip(p, id, body.reason, idempotencyKey(key));
  }

  @Post('release')
  @HttpCode(200)
  release(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Headers('idempotency-key') key?: string) {
    return this.tasks.release(p, id, idempotencyKey(key));
  }
}

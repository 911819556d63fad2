import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { idempotencyKey } from '../readings/idempotency';
import { DatasetService } from './dataset.service';
import { CreateDatasetDto } from './training.dto';

@ApiTags('ml-training')
@ApiBearerAuth()
@Controller('api/v2/ml-training/datasets')
export class DatasetsController {
  constructor(private readonly datasets: DatasetService) {}

  /** Freezes the current labeled examples into a version: 201; 422 when there are none. */
  @Post()
  @HttpCode(201)
  @Roles('ml_engineer')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  create(@CurrentPrincipal() p: Principal, @Body() body: CreateDatasetDto, @Headers('idempotency-key') key?: string) {
    return this.datasets.create(p, { name: body.name, sourceSystem: body.source_system }, idempotencyKey(key));
  }
}

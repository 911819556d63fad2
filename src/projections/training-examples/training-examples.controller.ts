import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { openVector } from '../../domain/privacy/sealed';
import { NotFoundError } from '../../domain/shared/errors';
import { isValidId } from '../../domain/shared/ids';
import { TrainingExampleStatus } from '../../domain/training/training-example.decider';
import { SourceSystem } from '../../domain/training/training-example.events';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { ListQuery, listAnswer } from '../../http/conventions';
import { PERSONAL_DATA, PersonalDataPort } from '../../ports/personal-data.port';
import type { TrainingExampleDoc } from '../../ports/training-examples.query';
import { TrainingExamplesQuery } from './training-examples.query';

const SOURCES: readonly SourceSystem[] = ['meter_reading', 'vehicle_entry'];
const STATUSES: readonly TrainingExampleStatus[] = ['captured', 'corrected', 'queued', 'labeled'];

class ExamplesQuery extends ListQuery {
  @ApiPropertyOptional({ enum: SOURCES })
  @IsOptional()
  @IsIn(SOURCES, { message: `source_system must be one of ${SOURCES.join(', ')}` })
  source_system?: SourceSystem;

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES, { message: `status must be one of ${STATUSES.join(', ')}` })
  status?: TrainingExampleStatus;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'only examples with (true) or without (false) a user correction' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'corrected must be true or false' })
  corrected?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'the reading_id or entry_id the example came from' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, { message: 'source_id must be a reading_id or entry_id' })
  source_id?: string;
}

export function exampleAnswer(doc: TrainingExampleDoc) {
  return {
    example_id: doc.example_id,
    source_system: doc.source_system,
    source_id: doc.source_id,
    status: doc.status,
    uncertainty_score: doc.uncertainty_score,
    confidence: doc.confidence,
    raw_text: doc.raw_text,
    ground_truth_text: doc.ground_truth_text,
    corrected: doc.corrected,
    correction_type: doc.correction_type,
    label: doc.label,
    skips: doc.skips ?? 0,
    engine: doc.engine ?? null,
    engine_name: doc.engine_name ?? null,
    image_hash: doc.image_hash,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  };
}

@ApiTags('training')
@ApiBearerAuth()
@Controller('api/v2/ml-training/examples')
@Roles('labeler', 'ml_engineer')
export class TrainingExamplesController {
  constructor(
    private readonly examples: TrainingExamplesQuery,
    @Inject(PERSONAL_DATA) private readonly personal: PersonalDataPort,
  ) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ExamplesQuery) {
    const page = await this.examples.list(
      principal.tenant,
      { sourceSystem: query.source_system, status: query.status, corrected: query.corrected === undefined ? undefined : query.corrected === 'true', sourceId: query.source_id },
      { limit: query.limit, cursor: query.cursor },
    );
    return listAnswer(page, exampleAnswer);
  }

  @Get(':id')
  async one(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const doc = isValidId(id) ? await this.examples.get(principal.tenant, id) : null;
    if (!doc) throw new NotFoundError(`training example ${id} not found`);
    // An entry's vector is sealed: opened with the caller's tenant keys; null once its plate is erased.
    const features = await openVector(doc.features, this.personal.opener(principal.tenant));
    return { ...exampleAnswer(doc), features, phash: doc.phash, correction_count: doc.correction_count ?? doc.correction_ids.length, correction_ids: doc.correction_ids, task_id: doc.task_id, batch_id: doc.batch_id, labeler_id: doc.labeler_id };
  }
}

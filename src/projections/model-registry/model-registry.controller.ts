import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Response } from 'express';
import { MODEL_TYPES } from '../../domain/models/model.events';
import { NotFoundError, ValidationError } from '../../domain/shared/errors';
import { isValidId } from '../../domain/shared/ids';
import { Roles } from '../../http/access';
import { BLOB_STORE, BlobStore } from '../../ports/blob-store.port';
import { ListQuery, listAnswer } from '../../http/conventions';
import { READ_STORE, ReadStore } from '../../ports/read-store.port';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { historyAnswer, pointerAnswer, versionAnswer } from './model-answers';
import { ActivePointerDoc, HistoryDoc, MODEL_ACTIVE, MODEL_HISTORY, MODEL_VERSIONS, ModelVersionDoc, versionKey } from './model-registry.projection';

const DEFAULT_MODEL_TYPE = 'conflict_predictor';

class ModelListQuery extends ListQuery {
  @ApiPropertyOptional({ enum: MODEL_TYPES, default: DEFAULT_MODEL_TYPE })
  @IsOptional()
  @IsIn(MODEL_TYPES as unknown as string[])
  model_type?: string;
}

/** Read side of the registry (ml_engineer manages; ops and auditor read). */
@ApiTags('models')
@ApiBearerAuth()
@Controller('api/v2/ml/models')
@Roles('ml_engineer', 'ops', 'auditor')
export class ModelRegistryController {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  /** Versions, newest first, with metrics and status. */
  @Get()
  async list(@Query() query: ModelListQuery) {
    const collection = await this.runner.catalog.collection(MODEL_VERSIONS);
    const page = await this.store.find<ModelVersionDoc>(collection, {
      filter: { model_type: query.model_type ?? DEFAULT_MODEL_TYPE },
      sort: [
        ['created_at', -1],
        ['version', -1],
      ],
      limit: query.limit ?? 50,
      cursor: query.cursor,
    });
    return listAnswer(page, versionAnswer);
  }

  @Get('active')
  async active(@Query() query: ModelListQuery) {
    const modelType = query.model_type ?? DEFAULT_MODEL_TYPE;
    const collection = await this.runner.catalog.collection(MODEL_ACTIVE);
    return pointerAnswer(modelType, await this.store.get<ActivePointerDoc>(collection, modelType));
  }

  /** Evaluations, activations, deactivations, rejections, rollbacks and reviews, oldest first. */
  @Get('history')
  async history(@Query() query: ModelListQuery) {
    const collection = await this.runner.catalog.collection(MODEL_HISTORY);
    const page = await this.store.find<HistoryDoc>(collection, {
      filter: { model_type: query.model_type ?? DEFAULT_MODEL_TYPE },
      sort: [['position', 1]],
      limit: query.limit ?? 50,
      cursor: query.cursor,
    });
    return listAnswer(page, historyAnswer);
  }

  @Get(':version')
  async version(@Param('version') version: string, @Query() query: ModelListQuery) {
    return versionAnswer(await this.find(query.model_type ?? DEFAULT_MODEL_TYPE, version));
  }

  /** CSV of exactly the rows the version was trained and evaluated on. */
  @Get(':version/training-data')
  async trainingData(@Param('version') version: string, @Query() query: ModelListQuery, @Res() res: Response): Promise<void> {
    const doc = await this.find(query.model_type ?? DEFAULT_MODEL_TYPE, version);
    if (!doc.training_rows_blob_hash) throw new NotFoundError(`${version} was registered from outside; it has no training data here`, { version });
    const csv = await this.blobs.get(doc.training_rows_blob_hash);
    if (!csv) throw new NotFoundError(`training data of ${version} is missing from the blob store`, { version, blob: doc.training_rows_blob_hash });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${doc.model_type}-${version}-training-data.csv"`);
    res.status(200).send(csv);
  }

  private async find(modelType: string, version: string): Promise<ModelVersionDoc> {
    if (!isValidId(version)) throw new ValidationError('version must be a model version like v20260105_030000', { fields: { version: ['invalid version'] } });
    const collection = await this.runner.catalog.collection(MODEL_VERSIONS);
    const doc = await this.store.get<ModelVersionDoc>(collection, versionKey(modelType, version));
    if (!doc) throw new NotFoundError(`model ${modelType} has no version ${version}`, { model_type: modelType, version });
    return doc;
  }
}

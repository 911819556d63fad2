import { modelStream } from '../../domain/models/model.events';
import { Body, Controller, HttpCode, Inject, Param, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { isValidId, newId } from '../../domain/shared/ids';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { ValidationError } from '../../domain/shared/errors';
import { CurrentPrincipal, Roles } from '../../http/access';
import { toWire } from '../../http/conventions';
import { Principal } from '../../domain/shared/principal';
import { MODEL_VERSION_ANSWERS, ModelVersionAnswers } from '../../ports/model-version-answers.port';
import { CommandContext, contextFromPrincipal } from '../../runtime/decide';
import { ModelActionDto, RegisterModelDto, TrainModelDto } from './models.dto';
import { ModelRegistryService } from './model-registry.service';
import { actionAnswer } from './model-action-answer';
import { DEFAULT_DAYS_BACK, ModelTrainingService } from './model-training.service';

const DEFAULT_MODEL_TYPE = 'conflict_predictor';

interface UploadedModelFile {
  readonly buffer: Buffer;
  readonly originalname?: string;
  readonly size: number;
}

/** Models are platform-wide: their events belong to no tenant (the actor is still recorded). */
function platformContext(principal: Principal, commandId: string): CommandContext {
  return { ...contextFromPrincipal(principal, commandId), tenantId: null };
}

function checkVersion(version: string): string {
  if (!isValidId(version)) throw new ValidationError('version must be a model version like v20260105_030000', { fields: { version: ['invalid version'] } });
  return version;
}

/** Write side of the model registry (role ml_engineer). Models are platform-wide: no tenant scoping. */
@ApiTags('models')
@ApiBearerAuth()
@Controller('api/v2/ml/models')
@Roles('ml_engineer')
export class ModelsController {
  constructor(
    private readonly training: ModelTrainingService,
    private readonly registry: ModelRegistryService,
    @Inject(MODEL_VERSION_ANSWERS) private readonly answers: ModelVersionAnswers,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** 201 with the new version and its metrics. Never activates. */
  @Post('train')
  async train(@Body() body: TrainModelDto, @CurrentPrincipal() principal: Principal) {
    const commandId = newId();
    const result = await this.training.train({
      modelType: body.model_type,
      daysBack: body.days_back ?? DEFAULT_DAYS_BACK,
      at: this.clock.now(),
      context: platformContext(principal, commandId),
      trigger: 'manual',
      runId: `train:${commandId}`,
    });
    return { ...this.answers.trained(result.event), stream: modelStream(body.model_type), timings: toWire(result.timings), position: String(result.position) };
  }

  @Post()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['model', 'model_type'], properties: { model: { type: 'string', format: 'binary' }, model_type: { type: 'string', enum: ['conflict_predictor'] } } } })
  @UseInterceptors(FileInterceptor('model'))
  async register(@Body() body: RegisterModelDto, @UploadedFile() file: UploadedModelFile | undefined, @CurrentPrincipal() principal: Principal) {
    if (!file) throw new ValidationError('model: an ONNX file is required in the multipart field "model"', { fields: { model: ['required'] } });
    const result = await this.registry.register(body.model_type, file.buffer, file.originalname ?? null, platformContext(principal, newId()), body.feature_definition);
    const registered = result.events.find((e) => e.type === 'ModelRegistered');
    if (registered?.type !== 'ModelRegistered') throw new Error('registration appended no ModelRegistered');
    return { ...this.answers.registered(registered.data), stream: modelStream(body.model_type), position: String(result.position) };
  }

  @Post(':version/activate')
  @HttpCode(200)
  async activate(@Param('version') version: string, @Body() body: ModelActionDto, @CurrentPrincipal() principal: Principal) {
    const modelType = body.model_type ?? DEFAULT_MODEL_TYPE;
    const result = await this.registry.activate(modelType, checkVersion(version), platformContext(principal, newId()), body.reason);
    return actionAnswer(modelType, version, result);
  }

  @Post(':version/deactivate')
  @HttpCode(200)
  async deactivate(@Param('version') version: string, @Body() body: ModelActionDto, @CurrentPrincipal() principal: Principal) {
    const modelType = body.model_type ?? DEFAULT_MODEL_TYPE;
    const result = await this.registry.deactivate(modelType, checkVersion(version), platformContext(principal, newId()), body.reason);
    return actionAnswer(modelType, version, result);
  }
}

import { DOMAIN_METRICS, DomainMetrics } from '../../ports/domain-metrics.port';
import { idempotencyKey as checkIdempotencyKey } from '../../http/idempotency-key';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '../../config';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { NotFoundError, UnavailableError } from '../../domain/shared/errors';
import { streamName } from '../../domain/shared/events';
import { derivedId, isValidId, newId } from '../../domain/shared/ids';
import { PredictionCommand, PredictionState, predictionDecider } from '../../domain/predictions/prediction.decider';
import { CONFLICT_PREDICTOR, ConflictPredicted, PredictionEvent } from '../../domain/predictions/prediction.events';
import { recommendationFor, riskLevel } from '../../domain/predictions/risk';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { listAnswer, parseMinPosition, positionString } from '../../http/conventions';
import { Filter, READ_STORE, ReadStore } from '../../ports/read-store.port';
import { CONFLICT_FEATURES_QUERY, ConflictFeaturesQuery } from '../../ports/conflict-features.query';
import { ACTIVE_MODELS, ActiveModels } from '../../ports/active-models.query';
import { PREDICTION_LOG, PredictionLogDoc } from '../../projections/predictions/prediction-log.projection';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { OutcomeSweepService } from '../../sagas/outcomes/outcome-sweep.service';
import { contextFromPrincipal, Decide } from '../../runtime/decide';
import { PredictConflictDto, PredictQuery, PredictionsQuery } from './predictions.dto';

function predictionAnswer(p: ConflictPredicted['data']) {
  return {
    prediction_id: p.predictionId,
    probability: p.probability,
    risk_level: p.riskLevel,
    recommendation: p.recommendation,
    model_type: p.modelType,
    model_version: p.modelVersion,
    features_used: p.features,
    sync_id: p.syncId ?? null,
    predicted_at: p.predictedAt,
  };
}

function logItem(d: PredictionLogDoc) {
  return {
    prediction_id: d.prediction_id,
    model_type: d.model_type,
    model_version: d.model_version,
    probability: d.probability,
    risk_level: d.risk_level,
    recommendation: d.recommendation,
    features_used: d.features,
    user_id: d.user_id,
    entity_type: d.entity_type,
    entity_id: d.entity_id,
    device_id: d.device_id,
    fields: d.fields,
    sync_id: d.sync_id,
    predicted_at: d.predicted_at,
    outcome: d.outcome,
    conflict_occurred: d.conflict_occurred,
    outcome_recorded_at: d.outcome_recorded_at,
  };
}

@ApiTags('predictions')
@ApiBearerAuth()
@Controller('api/v2/ml')
export class PredictionsController {
  constructor(
    @Optional() @Inject(DOMAIN_METRICS) private readonly metrics: DomainMetrics | undefined,
    private readonly commandBus: CommandBus,
    @Inject(CONFLICT_FEATURES_QUERY) private readonly features: ConflictFeaturesQuery,
    @Inject(ACTIVE_MODELS) private readonly models: ActiveModels,
    private readonly runner: ProjectionRunner,
    private readonly sweeps: OutcomeSweepService,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('conflict-predictions')
  @Roles('guard', 'ml_engineer')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retry with the same key answers the first prediction and appends nothing' })
  async predict(
    @Body() body: PredictConflictDto,
    @Query() query: PredictQuery,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    const minPosition = parseMinPosition(query.min_position);
    if (minPosition !== null && !(await this.runner.waitForPosition(minPosition, 2000))) {
      throw new UnavailableError(`read models have not yet applied position ${minPosition}; retry shortly`, 1);
    }
    checkIdempotencyKey(idempotencyKey);
    const predictionId = idempotencyKey ? derivedId('prediction', principal.tenant, principal.sub, idempotencyKey) : newId();
    const now = this.clock.now();
    const fields = body.fields ?? [];
    const { probability, modelVersion, features, featureDefinition } = await this.models.predictWith(CONFLICT_PREDICTOR, (definition) =>
      this.features.featuresAt(principal.tenant, principal.sub, body.entity_type, body.entity_id, fields, now.getTime(), body.sync_id, definition),
    );
    const level = riskLevel(probability, { medium: this.config.riskMedium, high: this.config.riskHigh });
    const prediction: ConflictPredicted['data'] = {
      predictionId,
      tenantId: principal.tenant,
      modelType: CONFLICT_PREDICTOR,
      modelVersion,
      probability,
      riskLevel: level,
      recommendation: recommendationFor(level),
      features: { ...features },
      featureDefinition,
      userId: principal.sub,
      entityType: body.entity_type,
      entityId: body.entity_id,
      deviceId: body.device_id,
      fields: [...new Set(fields)],
      ...(body.sync_id !== undefined ? { syncId: body.sync_id } : {}),
      predictedAt: now.toISOString(),
    };
    const result = await this.commandBus.execute(
      new Decide<PredictionState, PredictionCommand, PredictionEvent>(
        streamName('prediction', predictionId),
        predictionDecider,
        { type: 'RecordPrediction', prediction },
        contextFromPrincipal(principal, `predict:${predictionId}`),
      ),
    );
    if (result.events.length > 0) this.metrics?.predictionRecorded({ model_version: modelVersion, risk_level: level });
    // A retry answers what was recorded the first time, not a fresh computation.
    const recorded = result.state.status === 'none' ? prediction : result.state.prediction;
    return { ...predictionAnswer(recorded), stream: streamName('prediction', predictionId), position: positionString(result.position) };
  }

  @Get('predictions')
  @Roles('ml_engineer', 'ops', 'auditor')
  async list(@Query() query: PredictionsQuery, @CurrentPrincipal() principal: Principal) {
    const filter: Filter = {
      tenant: principal.tenant,
      model_type: query.model_type ?? CONFLICT_PREDICTOR,
      ...(query.model_version ? { model_version: query.model_version } : {}),
      ...(query.outcome ? { outcome: query.outcome } : {}),
      ...(query.user_id ? { user_id: query.user_id } : {}),
      ...(query.entity_id ? { entity_id: query.entity_id } : {}),
    };
    const page = await this.store.find<PredictionLogDoc>(await this.runner.catalog.collection(PREDICTION_LOG), {
      filter,
      sort: [['predicted_ms', -1]],
      limit: query.limit ?? 50,
      cursor: query.cursor,
    });
    return listAnswer(page, logItem);
  }

  @Get('predictions/:id')
  @Roles('ml_engineer', 'ops', 'auditor')
  async one(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const doc = isValidId(id) ? await this.store.get<PredictionLogDoc>(await this.runner.catalog.collection(PREDICTION_LOG), id) : null;
    if (!doc || doc.tenant !== principal.tenant) throw new NotFoundError(`unknown prediction ${id}`);
    return logItem(doc);
  }

  /** The 6-hourly outcome sweep, on demand. Platform-wide: it closes every tenant's due predictions. */
  @Post('predictions/outcomes/sweep')
  @HttpCode(200)
  @Roles('ops', 'ml_engineer')
  async sweep(@CurrentPrincipal() principal: Principal) {
    const result = await this.sweeps.sweep(`user:${principal.sub}`);
    return { closed: result.closed, conflicts: result.conflicts, position: positionString(result.position) };
  }
}

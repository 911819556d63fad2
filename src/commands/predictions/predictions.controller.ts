import { DOMAIN_METRICS, DomainMetrics } from '../../ports/domain-metrics.port';
import { idempotencyKey as checkIdempotencyKey } from '../../http/idempotency-key';
import { Body, Controller, Headers, HttpCode, Inject, Post, Query, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '../../config';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { UnavailableError } from '../../domain/shared/errors';
import { streamName } from '../../domain/shared/events';
import { derivedId, newId } from '../../domain/shared/ids';
import { PredictionCommand, PredictionState, predictionDecider } from '../../domain/predictions/prediction.decider';
import { CONFLICT_PREDICTOR, ConflictPredicted, PredictionEvent } from '../../domain/predictions/prediction.events';
import { recommendationFor, riskLevel } from '../../domain/predictions/risk';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { parseMinPosition, positionString } from '../../http/conventions';
import { CONFLICT_FEATURES_QUERY, ConflictFeaturesQuery } from '../../ports/conflict-features.query';
import { ACTIVE_MODELS, ActiveModels } from '../../ports/active-models.query';
import { OUTCOME_SWEEP, OutcomeSweep } from '../../ports/outcome-sweep.port';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { contextFromPrincipal, Decide } from '../../runtime/decide';
import { PredictConflictDto, PredictQuery } from './predictions.dto';

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
    @Inject(OUTCOME_SWEEP) private readonly sweeps: OutcomeSweep,
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
        // Without a key the prediction's stream is named from a fresh random id: nothing to read first.
        { ...contextFromPrincipal(principal, `predict:${predictionId}`), freshStream: !idempotencyKey },
      ),
    );
    if (result.events.length > 0) this.metrics?.predictionRecorded({ model_version: modelVersion, risk_level: level });
    // A retry answers what was recorded the first time, not a fresh computation.
    const recorded = result.state.status === 'none' ? prediction : result.state.prediction;
    return { ...predictionAnswer(recorded), stream: streamName('prediction', predictionId), position: positionString(result.position) };
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

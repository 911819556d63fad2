import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CONFLICT_PREDICTOR } from '../../domain/predictions/prediction.events';
import { NotFoundError } from '../../domain/shared/errors';
import { isValidId } from '../../domain/shared/ids';
import { Principal } from '../../domain/shared/principal';
import { CurrentPrincipal, Roles } from '../../http/access';
import { listAnswer } from '../../http/conventions';
import type { PredictionLogDoc } from '../../ports/prediction-log.query';
import { Filter } from '../../ports/read-store.port';
import { PredictionsQuery } from './prediction-log.dto';
import { PredictionLogQuery } from './prediction-log.query';

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

/** Read side of the predictions: the tenant's prediction log and its outcomes. */
@ApiTags('predictions')
@ApiBearerAuth()
@Controller('api/v2/ml')
export class PredictionLogController {
  constructor(private readonly log: PredictionLogQuery) {}

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
    const page = await this.log.find({
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
    const doc = isValidId(id) ? await this.log.get(id) : null;
    if (!doc || doc.tenant !== principal.tenant) throw new NotFoundError(`unknown prediction ${id}`);
    return logItem(doc);
  }
}

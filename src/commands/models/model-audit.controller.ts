import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsISO8601 } from 'class-validator';
import { ModelStreamReader, RecordedModelEvent } from './model-stream.reader';
import { foldRegistry } from '../../domain/models/model-registry.decider';
import { MODEL_TYPES } from '../../domain/models/model.events';
import { NotFoundError, ValidationError } from '../../domain/shared/errors';
import { isValidId } from '../../domain/shared/ids';
import { Roles } from '../../http/access';

class AsOfQuery {
  @ApiProperty({ description: 'ISO 8601 time', example: '2026-01-05T03:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 time' })
  at!: string;
}

function lastDeactivation(known: readonly RecordedModelEvent[]) {
  const e = [...known].reverse().find((x) => x.type === 'ModelDeactivated');
  if (!e || e.type !== 'ModelDeactivated') return null;
  return {
    event_id: e.eventId,
    position: String(e.position),
    version: e.data.version,
    deactivated_by: e.data.deactivatedBy,
    reason: e.data.reason,
    at: e.data.at,
  };
}

/**
 * Which model was active at a moment, who or what activated it and why: answered by replaying the
 * registry stream up to that moment (events as recorded, in stream order), with no read model.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v2/audit/models')
@Roles('auditor')
export class ModelAuditController {
  constructor(private readonly reader: ModelStreamReader) {}

  @Get(':model_type/as-of')
  async asOf(@Param('model_type') modelType: string, @Query() query: AsOfQuery) {
    if (!isValidId(modelType)) throw new ValidationError('model_type must be a model type like conflict_predictor', { fields: { model_type: ['invalid'] } });
    if (!(MODEL_TYPES as readonly string[]).includes(modelType)) throw new NotFoundError(`unknown model type ${modelType}`, { model_type: modelType });
    const atMs = Date.parse(query.at);
    const events = await this.reader.read(modelType);
    const known: RecordedModelEvent[] = [];
    // The stream is in commit order; its prefix up to `at` is what was known at that moment.
    for (const e of events) {
      if (Date.parse(e.metadata.occurredAt) > atMs) break;
      known.push(e);
    }
    const state = foldRegistry(known);
    const active = state.active;
    const activation = active ? [...known].reverse().find((e) => e.type === 'ModelActivated' && e.data.version === active.version) : undefined;
    return {
      model_type: modelType,
      at: new Date(atMs).toISOString(),
      version: active?.version ?? null,
      activated_at: active?.activatedAt ?? null,
      activated_by: active?.activatedBy ?? null,
      reason: active?.reason ?? null,
      cause: active?.cause ?? null,
      previous_version: active?.previousVersion ?? null,
      activation_event_id: activation?.eventId ?? null,
      activation_position: activation ? String(activation.position) : null,
      // With no model active: the event that deactivated the last one, by whom and why (null: never any active).
      last_deactivation: active ? null : lastDeactivation(known),
      events_replayed: known.length,
      versions_known: Object.keys(state.versions).length,
    };
  }
}

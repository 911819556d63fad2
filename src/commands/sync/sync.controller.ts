import { idempotencyKey as checkIdempotencyKey } from '../../http/idempotency-key';
import { Body, Controller, Get, Headers, Inject, Post, Query, Res } from '@nestjs/common';
import { Response } from 'express';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { CLOCK, Clock, MINUTE_MS } from '../../domain/shared/clock';
import { ValidationError } from '../../domain/shared/errors';
import { streamName } from '../../domain/shared/events';
import { deterministicUuid, newId } from '../../domain/shared/ids';
import { ResolveConflict, SyncCommand, SyncState, repeatedConflict, syncDecider } from '../../domain/sync/sync.decider';
import { SyncEvent, syncStreamId } from '../../domain/sync/sync.events';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { positionString } from '../../http/conventions';
import { CURRENT_FEATURE_DEFINITION } from '../../ml/conflict-features';
import { CONFLICT_FEATURES_QUERY, ConflictFeaturesQuery } from '../../ports/conflict-features.query';
import { contextFromPrincipal, Decide } from '../../runtime/decide';
import { FeaturesQuery, RecordSyncDto, ResolveConflictDto } from './sync.dto';

/** How far ahead of the server clock a client's timestamp may be (device clock skew). */
const MAX_CLOCK_SKEW_MS = 5 * MINUTE_MS;

@ApiTags('sync')
@ApiBearerAuth()
@Controller('api/v2/sync')
export class SyncController {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(CONFLICT_FEATURES_QUERY) private readonly features: ConflictFeaturesQuery,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('events')
  @Roles('guard')
  async record(@Body() body: RecordSyncDto, @CurrentPrincipal() principal: Principal) {
    const now = this.clock.now();
    const syncedAt = this.notInFuture(body.synced_at, 'synced_at', now) ?? now.toISOString();
    const syncId = body.sync_id ?? newId();
    const command: SyncCommand = {
      type: 'RecordSync',
      syncId,
      tenantId: principal.tenant,
      userId: principal.sub,
      deviceId: body.device_id,
      entityType: body.entity_type,
      entityId: body.entity_id,
      fields: body.fields,
      syncedAt,
      syncedAtGiven: body.synced_at !== undefined,
    };
    const result = await this.send(principal, syncId, command, `sync:${principal.tenant}:${syncId}`);
    const state = result.state;
    return {
      sync_id: syncId,
      synced_at: state.status === 'recorded' ? state.sync.syncedAt : syncedAt,
      position: positionString(result.position),
    };
  }

  /** 201 for a new conflict; a repeat of one (see repeatedConflict) answers 200 with the first one and appends nothing. */
  @Post('conflicts')
  @Roles('guard')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retry with the same key is the same conflict' })
  async resolve(
    @Body() body: ResolveConflictDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    checkIdempotencyKey(idempotencyKey);
    const now = this.clock.now();
    const resolvedAt = this.notInFuture(body.resolved_at, 'resolved_at', now) ?? now.toISOString();
    const conflictId = body.conflict_id ?? (idempotencyKey ? deterministicUuid(`conflict:${principal.tenant}:${principal.sub}:${idempotencyKey}`) : newId());
    const command: ResolveConflict = {
      type: 'ResolveConflict',
      conflictId,
      syncId: body.sync_id,
      tenantId: principal.tenant,
      resolutionType: body.resolution_type,
      fields: body.fields ?? null,
      resolvedBy: principal.sub,
      resolvedAt,
      resolvedAtGiven: body.resolved_at !== undefined,
    };
    const result = await this.send(principal, body.sync_id, command, `conflict:${principal.tenant}:${body.sync_id}:${conflictId}`);
    const appended = result.events.length > 0;
    if (!appended) res.status(200);
    // After an append the new conflict is found by its id; after a repeat, the first one.
    const first = repeatedConflict(result.state, command);
    return {
      conflict_id: first?.conflictId ?? conflictId,
      sync_id: body.sync_id,
      resolution_type: first?.resolutionType ?? body.resolution_type,
      ...(first?.fields ? { fields: first.fields } : {}),
      resolved_at: first?.resolvedAt ?? resolvedAt,
      position: positionString(result.position),
    };
  }

  /** Point-in-time features of the caller's tenant, as the predictor and the training rows see them. */
  @Get('features')
  @Roles('ml_engineer', 'ops', 'auditor')
  async featuresAt(@Query() query: FeaturesQuery, @CurrentPrincipal() principal: Principal) {
    const at = query.at ? Date.parse(query.at) : this.clock.now().getTime();
    const fields = (query.fields ?? '').split(',').filter((f) => f.length > 0);
    const userId = query.user_id ?? principal.sub;
    const definition = query.definition ?? CURRENT_FEATURE_DEFINITION;
    const features = await this.features.featuresAt(principal.tenant, userId, query.entity_type, query.entity_id, fields, at, query.sync_id, definition);
    return { user_id: userId, entity_type: query.entity_type, entity_id: query.entity_id, fields, at: new Date(at).toISOString(), feature_definition: definition, features };
  }

  private notInFuture(value: string | undefined, field: string, now: Date): string | undefined {
    if (value === undefined) return undefined;
    if (Date.parse(value) > now.getTime() + MAX_CLOCK_SKEW_MS) {
      throw new ValidationError(`${field} is in the future`, { fields: { [field]: ['must not be later than now (5 minutes of clock skew allowed)'] } });
    }
    return value;
  }

  private send(principal: Principal, syncId: string, command: SyncCommand, commandId: string) {
    return this.commandBus.execute(
      new Decide<SyncState, SyncCommand, SyncEvent>(streamName('sync', syncStreamId(principal.tenant, syncId)), syncDecider, command, contextFromPrincipal(principal, commandId)),
    );
  }
}

import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { RecordedEvent } from '../../domain/shared/events';
import { verifyChain } from '../../domain/shared/hash-chain';
import { NotFoundError, ValidationError } from '../../domain/shared/errors';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { AuditScope } from './audit-scope';

const STREAM = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,255}$/;

class StreamEventsQuery {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(0) from_revision?: number;
  @ApiPropertyOptional({ default: 100, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,16}$/) min_position?: string;
}

class AllEventsQuery {
  @ApiPropertyOptional({ description: 'inclusive log position' }) @IsOptional() @Matches(/^\d{1,16}$/, { message: 'from_position must be a string of digits' }) from_position?: string;
  @ApiPropertyOptional({ default: 100, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(/^[A-Za-z][A-Za-z0-9]{0,99}$/, { message: 'type must be an event type name' }) type?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,16}$/) min_position?: string;
}

/** Events exactly as stored, in a snake_case envelope. */
export function auditEvent(e: RecordedEvent) {
  return {
    event_id: e.eventId,
    stream: e.stream,
    position: String(e.position),
    revision: e.revision,
    type: e.type,
    data: e.data,
    metadata: e.metadata,
    recorded_at: e.recordedAt,
  };
}

function checkStream(stream: string): string {
  if (!STREAM.test(stream)) throw new ValidationError('stream must be a stream name like reading-<id>', { fields: { stream: ['invalid stream name'] } });
  return stream;
}

/**
 * Audit answers are scoped to the token's tenant: a stream of another tenant is 404 exactly like a
 * missing one, and the log lists only the tenant's streams and the platform's (audit-scope.ts).
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v2/audit')
@Roles('auditor')
export class AuditController {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  @Get('streams/:stream/events')
  async streamEvents(@CurrentPrincipal() principal: Principal, @Param('stream') stream: string, @Query() query: StreamEventsQuery) {
    await this.readable(principal, checkStream(stream));
    const limit = query.limit ?? 100;
    const events = await this.events.readStream(checkStream(stream), { fromRevision: query.from_revision ?? 0, limit: limit + 1, raw: true });
    const items = events.slice(0, limit).map(auditEvent);
    return { items, next_cursor: events.length > limit ? String(events[limit].revision) : null };
  }

  @Get('events')
  async allEvents(@CurrentPrincipal() principal: Principal, @Query() query: AllEventsQuery) {
    const scope = new AuditScope(this.events, principal.tenant);
    const limit = query.limit ?? 100;
    let after = query.from_position ? Number(query.from_position) - 1 : 0;
    const items: ReturnType<typeof auditEvent>[] = [];
    let next: string | null = null;
    // With a type filter or another tenant's events in between, page through the log until the page
    // is full or the log ends; past the scan budget, the cursor says where to go on.
    let ended = false;
    for (let scanned = 0; items.length <= limit && scanned < 100_000; ) {
      const batch = await this.events.readAll({ after, limit: 1000, raw: true });
      if (batch.length === 0) {
        ended = true;
        break;
      }
      for (const e of batch) {
        after = e.position;
        if (query.type && e.type !== query.type) continue;
        if (!(await scope.canRead(e.stream, e))) continue;
        if (items.length === limit) {
          next = String(e.position);
          break;
        }
        items.push(auditEvent(e));
      }
      if (next) break;
      scanned += batch.length;
    }
    if (!next && !ended) next = String(after + 1);
    return { items, next_cursor: next };
  }

  @Get('streams/:stream/verify')
  async verify(@CurrentPrincipal() principal: Principal, @Param('stream') stream: string) {
    await this.readable(principal, checkStream(stream));
    const events = await this.events.readStream(checkStream(stream), { raw: true });
    if (events.length === 0) throw new NotFoundError(`stream ${stream} does not exist`);
    const result = verifyChain(events);
    return { stream, valid: result.valid, events_checked: result.eventsChecked, first_broken_revision: result.firstBrokenRevision, reason: result.reason };
  }

  /** Missing and foreign streams answer alike, so a 404 tells nothing about other tenants. */
  private async readable(principal: Principal, stream: string): Promise<void> {
    const exists = (await this.events.streamRevision(stream)) !== null;
    if (!exists || !(await new AuditScope(this.events, principal.tenant).canRead(stream))) throw new NotFoundError(`stream ${stream} not found`);
  }
}

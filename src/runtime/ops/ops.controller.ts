import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { NotFoundError } from '../../domain/shared/errors';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { MetricsService } from '../../infrastructure/observability/metrics.service';
import { READ_STORE, ReadStore } from '../../ports/read-store.port';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { CurrentPrincipal, Public, Roles } from '../../http/access';
import { toWire } from '../../http/conventions';
import type { Principal } from '../../domain/shared/principal';
import { LeaderElection } from '../leader-election';
import { ParkedEvent } from '../parking-lot';
import { decideParked } from '../parked-decisions';
import { SagaRunner } from '../saga-runner';
import { ProjectionRunner } from '../projection-runner';
import { ReadinessService } from './readiness.service';

/** How long /health reuses the projections' status it computed. */
const HEALTH_STATUS_TTL_MS = 1000;

function parkedView(p: ParkedEvent) {
  return { position: String(p.position), event_type: p.event_type, error: p.error, attempts: p.attempts, parked_at: p.parked_at, decision: p.decision };
}

@ApiTags('ops')
@Controller()
export class OpsController {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly sagas: SagaRunner,
    private readonly metrics: MetricsService,
    private readonly readiness: ReadinessService,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly election: LeaderElection,
  ) {
    metrics.onCollect(async () => {
      for (const p of await this.runner.status()) {
        metrics.projectionLag.set({ projection: p.name }, p.lag);
        metrics.projectionCheckpoint.set({ projection: p.name }, p.checkpoint);
        metrics.parkedEvents.set({ handler: p.name }, p.parked.length);
      }
      for (const s of await this.sagas.status()) metrics.parkedEvents.set({ handler: `saga:${s.name}` }, s.parked.length);
    });
  }

  @ApiBearerAuth()
  @Get('api/v2/ops/projections')
  @Roles('ops')
  async projections() {
    const items = (await this.runner.status()).map((p) => ({
      name: p.name,
      version: p.version,
      checkpoint: String(p.checkpoint),
      lag: p.lag,
      status: p.status,
      collections: p.collections,
      building: p.building ? { ...p.building, checkpoint: String(p.building.checkpoint) } : null,
      last_rebuild: p.lastRebuild,
      parked: p.parked.map(parkedView),
    }));
    const sagas = (await this.sagas.status()).map((s) => ({ ...s, checkpoint: String(s.checkpoint), parked: s.parked.map(parkedView) }));
    // Runner and saga status are camelCase in memory (`lastError`, a rebuild's figures): snake_case on the wire.
    return toWire({ items, next_cursor: null, sagas });
  }

  @ApiBearerAuth()
  @Post('api/v2/ops/projections/:name/parked/:position/:decision')
  @Roles('ops')
  @HttpCode(200)
  async decide(@Param('name') name: string, @Param('position') position: string, @Param('decision') decision: string, @CurrentPrincipal() principal: Principal) {
    if (decision !== 'retry' && decision !== 'skip') throw new NotFoundError(`no parked-event action ${decision}; use retry or skip`);
    if (!/^[1-9][0-9]{0,15}$/.test(position)) throw new NotFoundError(`no event parked at position ${position} for ${name}`);
    const handler = this.runner.list().some((p) => p.name === name) ? `projection:${name}` : this.sagas.names().includes(name) ? `saga:${name}` : null;
    if (!handler) throw new NotFoundError(`no projection or saga named ${name}`);
    const result = await decideParked({ parking: this.runner.parking, events: this.events, clock: this.clock }, handler, Number(position), decision, principal.sub);
    return { name, ...result, position: String(result.position), event_position: String(result.event_position) };
  }

  @ApiBearerAuth()
  @Post('api/v2/ops/projections/:name/rebuild')
  @Roles('ops')
  @HttpCode(202)
  async rebuild(@Param('name') name: string) {
    if (!this.runner.list().some((p) => p.name === name)) throw new NotFoundError(`no projection named ${name}`);
    await this.runner.requestRebuild(name);
    return { name, status: 'rebuild_requested' };
  }

  /**
   * The projections' status for /health, computed at most once a second and shared by the calls
   * that arrive meanwhile: a balancer's checks must not cost a dozen store queries each (on
   * PostgreSQL they did, and /health served 20 requests a second).
   */
  private statusCache: { at: number; value: Promise<Awaited<ReturnType<ProjectionRunner['status']>>> } | null = null;

  private projectionStatus() {
    const now = Date.now();
    if (!this.statusCache || now - this.statusCache.at >= HEALTH_STATUS_TTL_MS) {
      this.statusCache = { at: now, value: this.runner.status().catch(() => []) };
    }
    return this.statusCache.value;
  }

  @Public()
  @Get('health')
  async health(@Res({ passthrough: true }) res: Response) {
    const checks: Record<string, unknown> = {};
    let ok = true;
    try {
      checks.event_store = { kind: this.events.kind, status: 'up', head_position: String(await this.events.headPosition()) };
    } catch (error) {
      ok = false;
      checks.event_store = { kind: this.events.kind, status: 'down', error: error instanceof Error ? error.message : String(error) };
    }
    try {
      await this.reads.getCheckpoint('health');
      checks.read_store = { kind: this.reads.kind, status: 'up' };
    } catch (error) {
      ok = false;
      checks.read_store = { kind: this.reads.kind, status: 'down', error: error instanceof Error ? error.message : String(error) };
    }
    const projections = await this.projectionStatus();
    checks.projections = projections.map((p) => ({ name: p.name, status: p.status, lag: p.lag }));
    // A parked event stalls one projection, not the instance: it is listed, and ops decides.
    const ready = this.readiness.ready && ok;
    const role = this.election.role;
    res.status(ready ? 200 : 503);
    return { status: !ready ? 'degraded' : role === 'standby' ? 'standby' : 'ok', role, ready: this.readiness.ready, ...checks };
  }

  @Public()
  @Get('metrics')
  async prometheus(@Headers('authorization') authorization: string | undefined, @Res() res: Response) {
    const text = await this.metrics.renderFor(authorization);
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(text);
  }
}

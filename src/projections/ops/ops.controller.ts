import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { NotFoundError } from '../../domain/shared/errors';
import { Public, Roles } from '../../infrastructure/auth/auth.guard';
import { EVENT_STORE, EventStore } from '../../infrastructure/event-store/event-store.port';
import { MetricsService } from '../../infrastructure/observability/metrics.service';
import { READ_STORE, ReadStore } from '../../infrastructure/read-store/read-store.port';
import { SagaRunner } from '../../sagas/saga-runner';
import { ProjectionRunner } from '../runner/projection-runner';
import { ReadinessService } from './readiness.service';

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
  ) {
    metrics.onCollect(async () => {
      for (const p of await this.runner.status()) {
        metrics.projectionLag.set({ projection: p.name }, p.lag);
        metrics.projectionCheckpoint.set({ projection: p.name }, p.checkpoint);
      }
    });
  }

  @ApiBearerAuth()
  @Get('api/v2/ops/projections')
  @Roles('ops', 'auditor', 'ml_engineer')
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
    }));
    return { items, next_cursor: null, sagas: this.sagas.status() };
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
    const projections = await this.runner.status().catch(() => []);
    checks.projections = projections.map((p) => ({ name: p.name, status: p.status, lag: p.lag }));
    const ready = this.readiness.ready && ok && !projections.some((p) => p.status === 'failed');
    res.status(ready ? 200 : 503);
    return { status: ready ? 'ok' : 'degraded', ready: this.readiness.ready, ...checks };
  }

  @Public()
  @Get('metrics')
  async prometheus(@Headers('authorization') authorization: string | undefined, @Res() res: Response) {
    const text = await this.metrics.renderFor(authorization);
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(text);
  }
}

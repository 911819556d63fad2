import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { streamName } from '../../domain/shared/events';
import { CaptureFlow, CaptureMonitorState, captureMonitorDecider } from '../../domain/training/capture-monitor.decider';
import { CAPTURE_MONITOR_CATEGORY } from '../../domain/training/capture-monitor.events';
import { Page, READ_STORE, ReadStore } from '../../ports/read-store.port';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { Decide } from '../../runtime/decide';
import { MONITORING_TENANTS_COLLECTION, MonitoringTenantDoc } from '../../projections/training-monitoring/training-monitoring.projection';

export interface Evaluation {
  readonly state: CaptureMonitorState;
  readonly position: number;
}

/**
 * Decides the stalled-capture alert from the monitoring read model and the clock. Runs on the
 * monitoring tick and on demand (never from a query); the decider makes repeats harmless.
 */
@Injectable()
export class CaptureMonitorService {
  private readonly logger = new Logger('capture-monitor');

  constructor(
    private readonly commandBus: CommandBus,
    private readonly runner: ProjectionRunner,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async evaluate(tenantId: string, at: Date = this.clock.now()): Promise<Evaluation> {
    const doc = await this.reads.get<MonitoringTenantDoc>(await this.runner.catalog.collection(MONITORING_TENANTS_COLLECTION), tenantId);
    const flow: CaptureFlow = {
      lastCaptureAt: doc?.last_capture_at ?? null,
      lastReadingAt: doc?.last_reading_at ?? null,
      readingsSinceCapture: doc?.readings_since_capture ?? 0,
      firstReadingSinceCaptureAt: doc?.first_reading_since_capture_at ?? null,
    };
    const iso = at.toISOString();
    const result = await this.commandBus.execute(
      new Decide(streamName(CAPTURE_MONITOR_CATEGORY, tenantId), captureMonitorDecider, { kind: 'evaluate', tenantId, flow, at: iso }, {
        tenantId,
        actorId: 'monitor:capture',
        commandId: `capture-monitor:${tenantId}:evaluate:${iso}`,
        correlationId: `capture-monitor:${tenantId}`,
        causationId: null,
      }),
    );
    return { state: result.state, position: result.position };
  }

  /** Every tenant the monitoring read model has seen. */
  async evaluateAll(at: Date = this.clock.now()): Promise<Map<string, Evaluation>> {
    const out = new Map<string, Evaluation>();
    for (const tenantId of await this.tenants()) {
      try {
        out.set(tenantId, await this.evaluate(tenantId, at));
      } catch (error) {
        this.logger.error(`capture monitor failed for tenant ${tenantId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return out;
  }

  async tenants(): Promise<string[]> {
    const collection = await this.runner.catalog.collection(MONITORING_TENANTS_COLLECTION);
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<MonitoringTenantDoc> = await this.reads.find<MonitoringTenantDoc>(collection, { limit: 5000, cursor });
      ids.push(...page.items.map((d) => d.tenant_id));
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '../../infrastructure/observability/metrics.service';
import { Page, READ_STORE, ReadStore } from '../../ports/read-store.port';
import { LabelingBacklogQuery } from '../labeling-backlog/labeling-backlog.query';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { MONITORING_TENANTS_COLLECTION, MonitoringTenantDoc } from './training-monitoring.projection';

/** /metrics: `flywheel_alert_active{alert="CaptureStalled",scope="tenant:<id>"}` and the backlog per tenant and source. */
@Injectable()
export class TrainingMetricsExporter {
  private readonly backlogGauge: Gauge;

  constructor(
    metrics: MetricsService,
    private readonly runner: ProjectionRunner,
    private readonly backlog: LabelingBacklogQuery,
    @Inject(READ_STORE) private readonly reads: ReadStore,
  ) {
    this.backlogGauge = new Gauge({ name: 'labeling_backlog_open_tasks', help: 'Open labeling tasks', labelNames: ['tenant', 'source_system'], registers: [metrics.registry] });
    metrics.onCollect(async () => {
      const collection = await this.runner.catalog.collection(MONITORING_TENANTS_COLLECTION);
      let cursor: string | null = null;
      do {
        const page: Page<MonitoringTenantDoc> = await this.reads.find<MonitoringTenantDoc>(collection, { limit: 5000, cursor });
        for (const t of page.items) metrics.alerts.set({ alert: 'CaptureStalled', scope: `tenant:${t.tenant_id}` }, t.alerts.some((a) => a.type === 'CaptureStalled') ? 1 : 0);
        cursor = page.nextCursor;
      } while (cursor);
      this.backlogGauge.reset();
      for (const [tenant, counts] of await this.backlog.allCounts()) {
        for (const [source, n] of Object.entries(counts)) this.backlogGauge.set({ tenant, source_system: source }, n);
      }
    });
  }
}

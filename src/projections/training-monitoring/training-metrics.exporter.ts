import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY, MetricGauge, MetricsRegistry } from '../../ports/metrics-registry.port';
import { READ_STORE, ReadStore, allDocs } from '../../ports/read-store.port';
import { LabelingBacklogQuery } from '../labeling-backlog/labeling-backlog.query';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { MONITORING_TENANTS_COLLECTION, MonitoringTenantDoc } from './training-monitoring.projection';

/** /metrics: `flywheel_alert_active{alert="CaptureStalled",scope="tenant:<id>"}` and the backlog per tenant and source. */
@Injectable()
export class TrainingMetricsExporter {
  private readonly backlogGauge: MetricGauge;

  constructor(
    @Inject(METRICS_REGISTRY) metrics: MetricsRegistry,
    private readonly runner: ProjectionRunner,
    private readonly backlog: LabelingBacklogQuery,
    @Inject(READ_STORE) private readonly reads: ReadStore,
  ) {
    this.backlogGauge = metrics.gauge('labeling_backlog_open_tasks', 'Open labeling tasks', ['tenant', 'source_system']);
    metrics.onCollect(async () => {
      const collection = await this.runner.catalog.collection(MONITORING_TENANTS_COLLECTION);
      for await (const t of allDocs<MonitoringTenantDoc>(this.reads, collection, {}, 5000)) {
        metrics.setAlert('CaptureStalled', `tenant:${t.tenant_id}`, t.alerts.some((a) => a.type === 'CaptureStalled'));
      }
      this.backlogGauge.reset();
      for (const [tenant, counts] of await this.backlog.allCounts()) {
        for (const [source, n] of Object.entries(counts)) this.backlogGauge.set({ tenant, source_system: source }, n);
      }
    });
  }
}

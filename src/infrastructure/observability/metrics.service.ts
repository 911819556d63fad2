import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per application (no module-level default registry). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly eventsAppended = new Counter({ name: 'events_appended_total', help: 'Events appended through the event store port', registers: [this.registry] });
  readonly projectionLag = new Gauge({ name: 'projection_lag', help: 'Log positions a projection is behind the head', labelNames: ['projection'], registers: [this.registry] });
  readonly projectionCheckpoint = new Gauge({ name: 'projection_checkpoint', help: 'Last log position applied', labelNames: ['projection'], registers: [this.registry] });
  readonly alerts = new Gauge({ name: 'flywheel_alert_active', help: 'Open alerts (1 = raised)', labelNames: ['alert', 'scope'], registers: [this.registry] });
  private readonly collectors: (() => Promise<void>)[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Refreshed on each scrape (lag, alerts read from read models). */
  onCollect(fn: () => Promise<void>): void {
    this.collectors.push(fn);
  }

  async render(): Promise<string> {
    for (const fn of this.collectors) await fn().catch(() => undefined);
    return this.registry.metrics();
  }
}

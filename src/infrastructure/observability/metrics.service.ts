import { Inject, Injectable, Optional } from '@nestjs/common';
import type { DomainMetrics } from '../../ports/domain-metrics.port';
import type { MetricGauge, MetricsRegistry } from '../../ports/metrics-registry.port';
import { createHash, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../config';
import { UnauthenticatedError } from '../../domain/shared/errors';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per application (no module-level default registry). */
@Injectable()
export class MetricsService implements DomainMetrics, MetricsRegistry {
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
  // No tenant label on these: they are safe for an unauthenticated scrape as they are.
  readonly ocrLatency = new Histogram({
    name: 'ocr_latency_seconds',
    help: 'OCR recognition time per photo, per engine and mode',
    labelNames: ['engine', 'mode'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
    registers: [this.registry],
  });
  readonly ocrConfidence = new Histogram({
    name: 'ocr_confidence',
    help: 'Calibrated OCR confidence per photo, per engine and mode',
    labelNames: ['engine', 'mode'],
    buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1],
    registers: [this.registry],
  });
  readonly readingsRecorded = new Counter({ name: 'readings_recorded_total', help: 'Readings and entries recorded, and whether they were captured for training', labelNames: ['source_system', 'captured'], registers: [this.registry] });
  readonly predictions = new Counter({ name: 'predictions_total', help: 'Conflict predictions recorded, per model version and risk level', labelNames: ['model_version', 'risk_level'], registers: [this.registry] });
  readonly accuracy7d = new Gauge({ name: 'prediction_accuracy_7d', help: 'Share of correct predictions among outcomes of the last 7 days, per model type', labelNames: ['model_type'], registers: [this.registry] });
  readonly outcomes7d = new Gauge({ name: 'prediction_outcomes_7d', help: 'Prediction outcomes recorded for the last 7 days, per model type and result', labelNames: ['model_type', 'result'], registers: [this.registry] });
  readonly parkedEvents = new Gauge({ name: 'parked_events', help: 'Events parked for an ops decision, per projection or saga', labelNames: ['handler'], registers: [this.registry] });
  readonly appendLatency = new Histogram({
    name: 'event_store_append_seconds',
    help: 'Time of one append to the event store, as the caller waits for it',
    labelNames: ['store'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly writeGroups = new Gauge({ name: 'event_store_write_groups', help: 'Transactions the SQLite writer thread committed (each a group of operations)', registers: [this.registry] });
  readonly writeOperations = new Gauge({ name: 'event_store_write_operations', help: 'Operations the SQLite writer thread committed; divided by groups, the mean group size', registers: [this.registry] });
  readonly writeLargestGroup = new Gauge({ name: 'event_store_write_group_largest', help: 'Largest group the SQLite writer thread committed', registers: [this.registry] });
  private readonly collectors: (() => Promise<void>)[] = [];

  constructor(@Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig) {
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * `/metrics` for a scraper: with METRICS_TOKEN as bearer, the full detail; with no credentials,
   * the tenant-free view; with a wrong one, 401.
   */
  async renderFor(authorization: string | undefined): Promise<string> {
    if (authorization === undefined) return this.render(false);
    const expected = this.config?.metricsToken;
    const given = /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1];
    const digest = (v: string) => createHash('sha256').update(v).digest();
    if (!expected || !given || !timingSafeEqual(digest(given), digest(expected))) throw new UnauthenticatedError('bad metrics token');
    return this.render(true);
  }

  /** Refreshed on each scrape (lag, alerts read from read models). */
  readingRecorded(labels: { source_system: string; captured: string }): void {
    this.readingsRecorded.inc(labels);
  }

  ocrRead(labels: { engine: string; mode: string }, seconds: number, confidence: number): void {
    this.ocrLatency.observe(labels, seconds);
    this.ocrConfidence.observe(labels, confidence);
  }

  predictionRecorded(labels: { model_version: string; risk_level: string }): void {
    this.predictions.inc(labels);
  }

  gauge(name: string, help: string, labelNames: readonly string[]): MetricGauge {
    return new Gauge({ name, help, labelNames: [...labelNames], registers: [this.registry] });
  }

  setAlert(alert: string, scope: string, active: boolean): void {
    this.alerts.set({ alert, scope }, active ? 1 : 0);
  }

  onCollect(fn: () => Promise<void>): void {
    this.collectors.push(fn);
  }

  /**
   * The exposition text. Without `detail` (an unauthenticated scrape) no tenant is named: samples
   * labelled `tenant:<id>` fold into one `any_tenant` sample per series, holding their maximum
   * (an alert raised for any tenant stays visible).
   */
  async render(detail = true): Promise<string> {
    for (const fn of this.collectors) await fn().catch(() => undefined);
    const text = await this.registry.metrics();
    return detail ? text : foldTenants(text);
  }
}

const TENANT_LABEL = /"tenant:[^"]*"/;

export function foldTenants(text: string): string {
  const folded = new Map<string, number>();
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !TENANT_LABEL.test(line)) {
      out.push(line);
      continue;
    }
    const cut = line.lastIndexOf(' ');
    const series = line.slice(0, cut).replace(TENANT_LABEL, '"any_tenant"');
    const value = Number(line.slice(cut + 1));
    if (!folded.has(series)) out.push(series);
    folded.set(series, Math.max(folded.get(series) ?? -Infinity, value));
  }
  return out.map((line) => (folded.has(line) ? `${line} ${folded.get(line)}` : line)).join('\n');
}

/** The operators' /metrics registry, for read models that publish gauges (Prometheus in production). */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

export interface MetricGauge {
  set(labels: Record<string, string>, value: number): void;
  reset(): void;
}

export interface MetricsRegistry {
  /** A gauge registered in this application's registry. */
  gauge(name: string, help: string, labelNames: readonly string[]): MetricGauge;
  /** `flywheel_alert_active{alert,scope}`: 1 while the alert is raised, 0 once it is not. */
  setAlert(alert: string, scope: string, active: boolean): void;
  /** Runs before each scrape renders (gauges read from read models are refreshed then). */
  onCollect(fn: () => Promise<void>): void;
}

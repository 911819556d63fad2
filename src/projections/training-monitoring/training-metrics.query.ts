import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock, DAY_MS, HOUR_MS } from '../../domain/shared/clock';
import type { CaptureFlow } from '../../domain/training/capture-monitor.decider';
import { READ_STORE, ReadStore, allDocs } from '../../ports/read-store.port';
import type { TrainingMonitoringReader } from '../../ports/training-monitoring.query';
import { LabelingBacklogQuery } from '../labeling-backlog/labeling-backlog.query';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { MONITORING_DAYS_COLLECTION, MONITORING_TENANTS_COLLECTION, MonitoringDayDoc, MonitoringTenantDoc } from './training-monitoring.projection';

export interface TrainingMetrics {
  captured_per_day: { day: string; count: number }[];
  corrections_last_7_days: number;
  readings_per_day: { day: string; count: number }[];
  labeling_backlog: number;
  oldest_open_task_age_hours: number | null;
  alerts: {
    type: 'CaptureStalled';
    severity: 'warning';
    message: string;
    raised_at: string;
    last_capture_at: string | null;
    last_reading_at: string;
    readings_since_capture: number;
  }[];
  as_of: string;
}

const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * The metrics answer: daily counts (UTC days, zeros included), backlog size and age, open alerts.
 * Only reads: the alerts are the ones the monitoring tick recorded, as the projection shows them.
 */
@Injectable()
export class TrainingMetricsQuery implements TrainingMonitoringReader {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly backlog: LabelingBacklogQuery,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async metrics(tenantId: string, days = 30): Promise<TrainingMetrics> {
    const now = this.clock.now().getTime();
    const tenant = await this.reads.get<MonitoringTenantDoc>(await this.runner.catalog.collection(MONITORING_TENANTS_COLLECTION), tenantId);
    const first = utcDay(now - (days - 1) * DAY_MS);
    const page = await this.reads.find<MonitoringDayDoc>(await this.runner.catalog.collection(MONITORING_DAYS_COLLECTION), {
      filter: { tenant_id: tenantId, day: { $gte: first } },
      sort: [['day', 1]],
      limit: 1000,
    });
    const byDay = new Map(page.items.map((d) => [d.day, d]));
    const dayList = Array.from({ length: days }, (_, i) => utcDay(now - (days - 1 - i) * DAY_MS));
    const weekStart = utcDay(now - 6 * DAY_MS);
    const [counts, oldest] = await Promise.all([this.backlog.counts(tenantId), this.backlog.oldestOpen(tenantId)]);
    return {
      captured_per_day: dayList.map((day) => ({ day, count: byDay.get(day)?.captured ?? 0 })),
      corrections_last_7_days: page.items.filter((d) => d.day >= weekStart).reduce((sum, d) => sum + d.corrections, 0),
      readings_per_day: dayList.map((day) => ({ day, count: byDay.get(day)?.readings ?? 0 })),
      labeling_backlog: counts.total,
      oldest_open_task_age_hours: oldest ? Math.round(((now - Date.parse(oldest.created_at)) / HOUR_MS) * 100) / 100 : null,
      alerts: (tenant?.alerts ?? []).map((a) => ({
        type: a.type,
        severity: 'warning' as const,
        message: `no training example captured since ${a.last_capture_at ?? 'ever'} while ${a.readings_since_capture} readings arrived: the OCR capture path may be broken`,
        raised_at: a.raised_at,
        last_capture_at: a.last_capture_at,
        last_reading_at: a.last_reading_at,
        readings_since_capture: a.readings_since_capture,
      })),
      as_of: new Date(now).toISOString(),
    };
  }

  async captureFlow(tenantId: string): Promise<CaptureFlow> {
    const doc = await this.reads.get<MonitoringTenantDoc>(await this.runner.catalog.collection(MONITORING_TENANTS_COLLECTION), tenantId);
    return {
      lastCaptureAt: doc?.last_capture_at ?? null,
      lastReadingAt: doc?.last_reading_at ?? null,
      readingsSinceCapture: doc?.readings_since_capture ?? 0,
      firstReadingSinceCaptureAt: doc?.first_reading_since_capture_at ?? null,
    };
  }

  async tenants(): Promise<string[]> {
    const collection = await this.runner.catalog.collection(MONITORING_TENANTS_COLLECTION);
    const ids: string[] = [];
    for await (const d of allDocs<MonitoringTenantDoc>(this.reads, collection, {}, 5000)) ids.push(d.tenant_id);
    return ids;
  }
}

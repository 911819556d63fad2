import { RecordedEvent, isEventOf } from '../../domain/shared/events';
import { CaptureResumed, CaptureStalled } from '../../domain/training/capture-monitor.events';
import { Projection, ProjectionView } from '../../runtime/projection';

export const MONITORING_DAYS_COLLECTION = 'training_monitoring_days';
export const MONITORING_TENANTS_COLLECTION = 'training_monitoring_tenants';

/** Counts per tenant and UTC day (`YYYY-MM-DD` of the event's `occurredAt`). */
export interface MonitoringDayDoc {
  readonly tenant_id: string;
  readonly day: string;
  /** TrainingExampleCaptured: the OCR capture path. */
  readonly captured: number;
  readonly corrections: number;
  readonly readings: number;
  [key: string]: unknown;
}

export interface OpenAlert {
  readonly type: 'CaptureStalled';
  readonly raised_at: string;
  readonly last_capture_at: string | null;
  readonly last_reading_at: string;
  readonly readings_since_capture: number;
  readonly window_hours: number;
}

/** The flow of one tenant, enough to decide the stall rule; and its open alerts. */
export interface MonitoringTenantDoc {
  readonly tenant_id: string;
  readonly last_capture_at: string | null;
  readonly last_reading_at: string | null;
  readonly readings_since_capture: number;
  /** Of those, the ones whose OCR confidence was low enough to be captured. */
  readonly flagged_since_capture: number;
  readonly first_reading_since_capture_at: string | null;
  readonly alerts: readonly OpenAlert[];
  [key: string]: unknown;
}

export const READING_TYPES = ['MeterReadingRecorded', 'VehicleEntryRecorded'] as const;

const later = (a: string | null, b: string): string => (a !== null && a > b ? a : b);

function blankTenant(tenantId: string): MonitoringTenantDoc {
  return { tenant_id: tenantId, last_capture_at: null, last_reading_at: null, readings_since_capture: 0, flagged_since_capture: 0, first_reading_since_capture_at: null, alerts: [] };
}

export function evolveMonitoringTenant(doc: MonitoringTenantDoc | null, event: RecordedEvent, tenantId: string): MonitoringTenantDoc {
  const t = doc ?? blankTenant(tenantId);
  const at = event.metadata.occurredAt;
  if (event.type === 'TrainingExampleCaptured') {
    return { ...t, last_capture_at: later(t.last_capture_at, at), readings_since_capture: 0, flagged_since_capture: 0, first_reading_since_capture_at: null };
  }
  if ((READING_TYPES as readonly string[]).includes(event.type)) {
    return {
      ...t,
      last_reading_at: later(t.last_reading_at, at),
      readings_since_capture: t.readings_since_capture + 1,
      flagged_since_capture: t.flagged_since_capture + (event.data.capturedForTraining === true ? 1 : 0),
      first_reading_since_capture_at: t.first_reading_since_capture_at ?? at,
    };
  }
  if (isEventOf<CaptureStalled>(event, 'CaptureStalled')) {
    const d = event.data;
    const alert: OpenAlert = {
      type: 'CaptureStalled',
      raised_at: d.detectedAt,
      last_capture_at: d.lastCaptureAt,
      last_reading_at: d.lastReadingAt,
      readings_since_capture: d.readingsSinceCapture,
      window_hours: d.windowHours,
    };
    return { ...t, alerts: [...t.alerts.filter((a) => a.type !== 'CaptureStalled'), alert] };
  }
  if (isEventOf<CaptureResumed>(event, 'CaptureResumed')) {
    return { ...t, alerts: t.alerts.filter((a) => a.type !== 'CaptureStalled') };
  }
  return t;
}

export function evolveMonitoringDay(doc: MonitoringDayDoc | null, event: RecordedEvent, tenantId: string): MonitoringDayDoc | null {
  const field = event.type === 'TrainingExampleCaptured' ? 'captured' : event.type === 'CorrectionSubmitted' ? 'corrections' : (READING_TYPES as readonly string[]).includes(event.type) ? 'readings' : null;
  if (field === null) return doc;
  const d = doc ?? { tenant_id: tenantId, day: event.metadata.occurredAt.slice(0, 10), captured: 0, corrections: 0, readings: 0 };
  return { ...d, [field]: d[field] + 1 };
}

export const dayKey = (tenantId: string, day: string): string => `${tenantId}:${day}`;
/** The day document an event counts in. */
const dayOf = (event: RecordedEvent, tenantId: string): string => dayKey(tenantId, event.metadata.occurredAt.slice(0, 10));

/**
 * The monitoring read model: daily counts of captures, corrections and readings, and per tenant
 * the flow the stall rule needs plus the alerts that are open. Events without a tenant are ignored.
 */
export const trainingMonitoringProjection: Projection = {
  name: 'training-monitoring',
  // 2: reads MeterReadingRecorded / VehicleEntryRecorded v2; same documents, rebuilt blue/green.
  // 3: counts a correction from CorrectionSubmitted (one per correction, at the answer's position).
  version: 3,
  collections: [MONITORING_DAYS_COLLECTION, MONITORING_TENANTS_COLLECTION],
  indexes: { [MONITORING_DAYS_COLLECTION]: [['tenant_id', 'day']] },
  eventTypes: ['TrainingExampleCaptured', 'CorrectionSubmitted', ...READING_TYPES, 'CaptureStalled', 'CaptureResumed'],
  prefetch(event) {
    const tenantId = event.metadata.tenantId;
    return tenantId ? [[MONITORING_DAYS_COLLECTION, dayOf(event, tenantId)], [MONITORING_TENANTS_COLLECTION, tenantId]] : [];
  },
  async apply(event: RecordedEvent, view: ProjectionView) {
    const tenantId = event.metadata.tenantId;
    if (!tenantId) return;
    const key = dayOf(event, tenantId);
    const day = evolveMonitoringDay(await view.get<MonitoringDayDoc>(MONITORING_DAYS_COLLECTION, key), event, tenantId);
    if (day) view.put(MONITORING_DAYS_COLLECTION, key, day);
    view.put(MONITORING_TENANTS_COLLECTION, tenantId, evolveMonitoringTenant(await view.get<MonitoringTenantDoc>(MONITORING_TENANTS_COLLECTION, tenantId), event, tenantId));
  },
};

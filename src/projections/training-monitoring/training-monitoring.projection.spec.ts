import { RecordedEvent } from '../../domain/shared/events';
import { MonitoringTenantDoc, evolveMonitoringDay, evolveMonitoringTenant, trainingMonitoringProjection } from './training-monitoring.projection';

let position = 0;
function ev(type: string, occurredAt: string, data: Record<string, unknown> = {}): RecordedEvent {
  position += 1;
  return {
    eventId: `e${position}`,
    stream: 's',
    revision: 0,
    position,
    type,
    data,
    metadata: { tenantId: 'acme', actorId: 'x', correlationId: 'c', causationId: null, occurredAt, schemaVersion: 1 },
    recordedAt: occurredAt,
  };
}

const foldTenant = (events: RecordedEvent[]) => events.reduce<MonitoringTenantDoc | null>((d, e) => evolveMonitoringTenant(d, e, 'acme'), null);

describe('training monitoring projection', () => {
  it('counts per day by kind', () => {
    const day = [
      ev('TrainingExampleCaptured', '2026-01-05T01:00:00.000Z'),
      ev('TrainingExampleCaptured', '2026-01-05T02:00:00.000Z'),
      ev('CorrectionSubmitted', '2026-01-05T03:00:00.000Z'),
      // The saga's example event of the same correction: counted once, from the correction's own event.
      ev('TrainingExampleCorrected', '2026-01-05T03:00:01.000Z'),
      ev('MeterReadingRecorded', '2026-01-05T04:00:00.000Z'),
    ].reduce((d, e) => evolveMonitoringDay(d, e, 'acme'), null as ReturnType<typeof evolveMonitoringDay>);
    expect(day).toMatchObject({ tenant_id: 'acme', day: '2026-01-05', captured: 2, corrections: 1, readings: 1 });
  });

  it('given a submitted correction whose example event is not yet written, then it is counted already (its answer position covers it)', () => {
    expect(evolveMonitoringDay(null, ev('CorrectionSubmitted', '2026-01-05T03:00:00.000Z'), 'acme')).toMatchObject({ corrections: 1 });
    expect(trainingMonitoringProjection.eventTypes).toContain('CorrectionSubmitted');
  });

  it('tracks readings since the last capture, and resets them at a capture', () => {
    const doc = foldTenant([
      ev('MeterReadingRecorded', '2026-01-05T01:00:00.000Z', { capturedForTraining: true }),
      ev('VehicleEntryRecorded', '2026-01-05T02:00:00.000Z', { capturedForTraining: false }),
    ]);
    expect(doc).toMatchObject({ last_capture_at: null, last_reading_at: '2026-01-05T02:00:00.000Z', readings_since_capture: 2, flagged_since_capture: 1, first_reading_since_capture_at: '2026-01-05T01:00:00.000Z' });
    const after = evolveMonitoringTenant(doc, ev('TrainingExampleCaptured', '2026-01-05T03:00:00.000Z'), 'acme');
    expect(after).toMatchObject({ last_capture_at: '2026-01-05T03:00:00.000Z', readings_since_capture: 0, first_reading_since_capture_at: null });
  });

  it('opens an alert on CaptureStalled and closes it on CaptureResumed', () => {
    const stalled = ev('CaptureStalled', '2026-01-06T05:00:00.000Z', {
      tenantId: 'acme',
      detectedAt: '2026-01-06T05:00:00.000Z',
      lastCaptureAt: '2026-01-05T03:00:00.000Z',
      lastReadingAt: '2026-01-06T04:00:00.000Z',
      readingsSinceCapture: 9,
      windowHours: 24,
    });
    const open = foldTenant([stalled]);
    expect(open?.alerts).toEqual([
      { type: 'CaptureStalled', raised_at: '2026-01-06T05:00:00.000Z', last_capture_at: '2026-01-05T03:00:00.000Z', last_reading_at: '2026-01-06T04:00:00.000Z', readings_since_capture: 9, window_hours: 24 },
    ]);
    expect(evolveMonitoringTenant(open, ev('CaptureResumed', '2026-01-06T06:00:00.000Z'), 'acme').alerts).toEqual([]);
  });
});

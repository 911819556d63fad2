import { HOUR_MS, ManualClock } from '../../src/domain/shared/clock';
import { TrainingSchedule } from '../../src/commands/training/training.schedule';
import { TestApp, startTestApp } from '../support/app';
import { renderMeterPhoto } from '../support/photos';
import { ScriptedOcrEngine, call, eventsOfType, eventually, runActiveLearning, uploadMeterAt, waitForExamples } from './training-helpers';
import { checkedFetch } from '../support/wire';

jest.setTimeout(120_000);

interface Metrics {
  captured_per_day: { day: string; count: number }[];
  readings_per_day: { day: string; count: number }[];
  corrections_last_7_days: number;
  labeling_backlog: number;
  oldest_open_task_age_hours: number | null;
  alerts: { type: string; raised_at: string; last_capture_at: string | null; readings_since_capture: number }[];
  position: string;
}

describe('training metrics and the stalled-capture alert', () => {
  const clock = new ManualClock('2026-01-05T08:00:00.000Z');
  const ocr = new ScriptedOcrEngine();
  let app: TestApp;
  let guard: string;
  let ops: string;
  let auditor: string;
  let photoSeed = 0;

  /** A fresh photo each time; `uncertain` ones are captured as training examples, the others not. */
  async function reading(uncertain: boolean, token = guard): Promise<{ readingId: string; position: string }> {
    photoSeed += 1;
    const photo = await renderMeterPhoto(String(1000 + photoSeed), { noise: 3, seed: photoSeed });
    ocr.script(photo, String(1000 + photoSeed), uncertain ? 0.35 : 0.97);
    return uploadMeterAt(app, token, photo);
  }

  async function metrics(token = ops, minPosition?: string): Promise<Metrics> {
    const res = await call<Metrics>(app, 'GET', `/api/v2/ml-training/metrics?days=7${minPosition ? `&min_position=${minPosition}` : ''}`, { token });
    if (res.status !== 200) throw new Error(`metrics answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function prometheus(): Promise<string> {
    // Per-tenant detail needs the scrape token; the open view names no tenant.
    return (await checkedFetch(app.baseUrl, '/metrics', { headers: { authorization: 'Bearer scrape-token-0123456789' } })).text();
  }

  beforeAll(async () => {
    app = await startTestApp({ clock, ocrEngine: ocr, env: { METRICS_TOKEN: 'scrape-token-0123456789' } });
    guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    ops = app.token({ sub: 'ops', tenant: 'acme', roles: ['ops'] });
    auditor = app.token({ sub: 'aud', tenant: 'acme', roles: ['auditor'] });
  });
  afterAll(() => app.close());

  it('counts captures per day and corrections in the last 7 days', async () => {
    const labeler = app.token({ sub: 'lab', tenant: 'acme', roles: ['labeler'] });
    const first = await reading(true);
    await reading(true);
    const confident = await reading(false);
    await waitForExamples(app, labeler, 2);
    const correction = await call<{ position: string }>(app, 'POST', '/api/v2/ml-training/corrections/', {
      token: labeler,
      json: { source_type: 'meter_reading', source_id: first.readingId, corrected_text: '1001', correction_type: 'OCR_ERROR' },
    });
    expect(correction.status).toBe(201);
    await waitForExamples(app, labeler, 1, '&status=corrected');
    const m = await metrics(ops, String(Math.max(Number(confident.position), Number(correction.body.position))));
    expect(m.captured_per_day).toHaveLength(7);
    expect(m.captured_per_day.at(-1)).toEqual({ day: '2026-01-05', count: 2 });
    expect(m.captured_per_day.slice(0, -1).every((d) => d.count === 0)).toBe(true);
    expect(m.readings_per_day.at(-1)).toEqual({ day: '2026-01-05', count: 3 });
    expect(m.corrections_last_7_days).toBe(1);
    expect(m).toMatchObject({ labeling_backlog: 0, oldest_open_task_age_hours: null, alerts: [] });
  });

  it('reports the backlog size and the age of the oldest open task', async () => {
    const engineer = app.token({ sub: 'eng', tenant: 'acme', roles: ['ml_engineer'] });
    const run = await runActiveLearning(app, engineer);
    expect(run.selected).toHaveLength(2);
    clock.advance(5 * HOUR_MS); // 13:00
    const m = await metrics(engineer, run.position);
    expect(m.labeling_backlog).toBe(2);
    expect(m.oldest_open_task_age_hours).toBe(5);
    expect((await call(app, 'GET', '/api/v2/ml-training/metrics', { token: guard })).status).toBe(403);
  });

  it('raises CaptureStalled once when readings kept arriving for 24 h without a capture, visible in /metrics', async () => {
    clock.set('2026-01-06T02:00:00.000Z');
    await reading(false);
    clock.set('2026-01-06T07:00:00.000Z');
    const last = await reading(false);
    clock.set('2026-01-06T07:59:00.000Z'); // 23 h 59 min after the last capture
    expect((await metrics(ops, last.position)).alerts).toEqual([]);

    clock.set('2026-01-06T08:01:00.000Z');
    // A read never writes: the GET neither raises the alert nor records it; the monitoring tick does.
    expect((await metrics(ops)).alerts).toEqual([]);
    expect(await eventsOfType(app, auditor, 'CaptureStalled')).toHaveLength(0);
    const tick = (await app.app.get(TrainingSchedule).monitorTick()).get('acme');
    expect(tick?.state.status).toBe('stalled');
    const m = await metrics(ops, String(tick?.position));
    expect(m.alerts).toEqual([
      expect.objectContaining({ type: 'CaptureStalled', raised_at: '2026-01-06T08:01:00.000Z', last_capture_at: '2026-01-05T08:00:00.000Z', readings_since_capture: 3 }),
    ]);
    await app.app.get(TrainingSchedule).monitorTick();
    const raised = await eventsOfType(app, auditor, 'CaptureStalled');
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ stream: 'capture_monitor-acme', data: { tenantId: 'acme', lastReadingAt: '2026-01-06T07:00:00.000Z' } });
    await eventually(async () => ((await prometheus()).includes('flywheel_alert_active{alert="CaptureStalled",scope="tenant:acme"} 1') ? true : null));
    expect(await prometheus()).toMatch(/labeling_backlog_open_tasks\{tenant="acme",source_system="meter_reading"\} 2/);

    const stranger = app.token({ sub: 'ops2', tenant: 'globex', roles: ['ops'] });
    expect((await metrics(stranger)).alerts).toEqual([]);
  });

  it('clears it as soon as capture resumes', async () => {
    clock.set('2026-01-06T09:00:00.000Z');
    const labeler = app.token({ sub: 'lab', tenant: 'acme', roles: ['labeler'] });
    await reading(true);
    await waitForExamples(app, labeler, 3);
    const [resumed] = await eventually(async () => {
      const events = await eventsOfType(app, auditor, 'CaptureResumed');
      return events.length > 0 ? events : null;
    });
    expect(resumed.data).toMatchObject({ tenantId: 'acme', capturedAt: '2026-01-06T09:00:00.000Z', stalledSince: '2026-01-06T08:01:00.000Z' });
    const m = await eventually(async () => {
      const answer = await metrics();
      return answer.alerts.length === 0 ? answer : null;
    });
    expect(m.alerts).toEqual([]);
    expect(m.captured_per_day.slice(-2)).toEqual([
      { day: '2026-01-05', count: 2 },
      { day: '2026-01-06', count: 1 },
    ]);
    await eventually(async () => ((await prometheus()).includes('flywheel_alert_active{alert="CaptureStalled",scope="tenant:acme"} 0') ? true : null));
    expect(await eventsOfType(app, auditor, 'CaptureResumed')).toHaveLength(1);
  });

  it('the monitoring tick raises it for a tenant whose readings were never captured', async () => {
    const globexGuard = app.token({ sub: 'g9', tenant: 'globex', roles: ['guard'] });
    const globexAuditor = app.token({ sub: 'a9', tenant: 'globex', roles: ['auditor'] });
    clock.set('2026-01-07T00:00:00.000Z');
    await reading(false, globexGuard);
    clock.set('2026-01-07T20:00:00.000Z');
    const last = await reading(false, globexGuard);
    await call(app, 'GET', `/api/v2/ml-training/labeling-backlog?min_position=${last.position}`, { token: app.token({ sub: 'l9', tenant: 'globex', roles: ['labeler'] }) });
    const schedule = app.app.get(TrainingSchedule);
    clock.set('2026-01-07T23:00:00.000Z');
    expect((await schedule.monitorTick()).get('globex')?.state.status).toBe('ok');
    clock.set('2026-01-08T00:00:00.000Z');
    expect((await schedule.monitorTick()).get('globex')?.state.status).toBe('stalled');
    const raised = (await eventsOfType(app, globexAuditor, 'CaptureStalled')).filter((e) => e.metadata.tenantId === 'globex');
    expect(raised).toHaveLength(1);
    expect(raised[0].data).toMatchObject({ lastCaptureAt: null, readingsSinceCapture: 2 });
  });
});

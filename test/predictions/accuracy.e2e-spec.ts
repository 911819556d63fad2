import { ManualClock } from '../../src/domain/shared/clock';
import { AccuracyService } from '../../src/projections/accuracy/accuracy.service';
import { TestApp, startTestApp } from '../support/app';
import { client } from '../sync/http-client';
import { eventually } from '../support/eventually';
import { checkedFetch } from '../support/wire';

const T0 = '2026-04-06T08:00:00.000Z';
const HOUR = 3600_000;

interface AuditList {
  items: { type: string; data: Record<string, unknown> }[];
}

describe('7-day accuracy and the accuracy alert (e2e)', () => {
  const clock = new ManualClock(T0);
  let app: TestApp;
  const as = (sub: string, roles: string[]) => client(() => app.baseUrl, app.token({ sub, tenant: 'acme', roles }));
  const ops = () => as('ops', ['ops', 'auditor', 'ml_engineer']);

  beforeAll(async () => {
    app = await startTestApp({ clock, env: { ACCURACY_ALERT_MIN_SAMPLES: '10', ACCURACY_ALERT_BELOW: '0.7' } });
  });
  afterAll(async () => app.close());

  const alertEvents = async () => (await ops().get<AuditList>('/api/v2/audit/streams/accuracy_alert-conflict_predictor/events')).body.items ?? [];
  const alertMetric = async () => {
    const text = await (await checkedFetch(app.baseUrl, '/metrics')).text();
    const line = text.split('\n').find((l) => l.startsWith('flywheel_alert_active{') && l.includes('alert="prediction_accuracy_low"') && l.includes('scope="conflict_predictor"'));
    return line ? Number(line.split(' ').pop()) : null;
  };

  async function predictMany(n: number, user: string, entity: string, minPosition = '0') {
    for (let i = 0; i < n; i++) {
      const res = await as(user, ['guard']).post<{ probability: number }>(`/api/v2/ml/conflict-predictions?min_position=${minPosition}`, { entity_type: 'meter', entity_id: entity, device_id: 'p', fields: ['value'] });
      expect(res.status).toBe(201);
      expect(res.body.probability).toBeCloseTo(entity === 'h1' ? 0.7 : 0.2, 12);
    }
  }

  async function sweep() {
    const res = await ops().post<{ closed: number; position: string }>('/api/v2/ml/predictions/outcomes/sweep');
    expect(res.status).toBe(200);
    return res.body;
  }

  it('raises the alert when accuracy drops below 70% over at least the minimum sample', async () => {
    // Two other editors just touched h1's `value`: heuristic 0.70 predicts a conflict that never comes.
    let position = '0';
    for (const u of ['bob', 'carol']) {
      const res = await as(u, ['guard']).post<{ position: string }>('/api/v2/sync/events', { entity_type: 'meter', entity_id: 'h1', device_id: 'p', fields: ['value'], synced_at: new Date(Date.parse(T0) - 60_000).toISOString() });
      position = res.body.position;
    }
    await predictMany(9, 'alice', 'h1', position);
    clock.advance(25 * HOUR);
    expect((await sweep()).closed).toBe(9);
    // 9 outcomes are below the minimum sample: no alert yet.
    expect((await alertEvents()).length).toBe(0);

    clock.set(T0);
    await predictMany(1, 'alice', 'h1');
    clock.advance(25 * HOUR);
    const swept = await sweep();
    expect(swept.closed).toBe(1);
    const events = await eventually(alertEvents, (e) => e.length > 0);
    expect(events.map((e) => e.type)).toEqual(['AccuracyAlertRaised']);
    expect(events[0].data).toEqual(expect.objectContaining({ accuracy: 0, sampleSize: 10, modelType: 'conflict_predictor' }));

    const accuracy = await ops().get(`/api/v2/ml/accuracy?model_type=conflict_predictor&window_days=7&min_position=${swept.position}`);
    expect(accuracy.body).toEqual(expect.objectContaining({ accuracy: 0, sample_size: 10, window_days: 7, alert: true }));
    expect(await alertMetric()).toBe(1);

    // Running the sweep again the same day raises nothing new.
    await sweep();
    expect((await alertEvents()).length).toBe(1);
  });

  it('raises it again once on the next day while it lasts', async () => {
    clock.advance(24 * HOUR);
    await sweep();
    expect((await eventually(alertEvents, (e) => e.length > 1)).map((e) => e.type)).toEqual(['AccuracyAlertRaised', 'AccuracyAlertRaised']);
    await sweep();
    expect((await alertEvents()).length).toBe(2);
  });

  it('clears the alert when accuracy recovers, and reports daily buckets', async () => {
    // No history on l1: heuristic 0.20 predicts no conflict, and none comes: 30 correct.
    await predictMany(30, 'dave', 'l1');
    clock.advance(25 * HOUR);
    const swept = await sweep();
    expect(swept.closed).toBe(30);
    const events = await eventually(alertEvents, (e) => e.at(-1)?.type === 'AccuracyAlertCleared');
    // Each outcome re-checks the alert against the read model as the saga finds it: an outcome
    // checked while the window is still below 70% raises it for this new day (at most once), and
    // the first check at or above 70% clears it, once.
    const types = events.map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(['AccuracyAlertRaised', 'AccuracyAlertRaised']);
    const between = types.slice(2, -1);
    expect(between.length).toBeLessThanOrEqual(1);
    expect(between.every((t) => t === 'AccuracyAlertRaised')).toBe(true);
    const cleared = events[events.length - 1];
    expect(cleared.data).toEqual(expect.objectContaining({ reason: 'recovered' }));
    expect(cleared.data.accuracy).toBeGreaterThanOrEqual(0.7);
    expect(await alertMetric()).toBe(0);

    const accuracy = await ops().get(`/api/v2/ml/accuracy?window_days=7&min_position=${swept.position}`);
    expect(accuracy.body).toEqual(expect.objectContaining({ accuracy: 0.75, sample_size: 40, alert: false }));
    const daily = await ops().get<{ day: string; model_version: string; correct: number; total: number }[]>('/api/v2/ml/accuracy/daily?model_type=conflict_predictor&days=30');
    expect(daily.body).toEqual([
      { day: '2026-04-06', model_version: 'heuristic_v1', correct: 0, total: 10 },
      { day: '2026-04-08', model_version: 'heuristic_v1', correct: 30, total: 30 },
    ]);
    expect((await as('g', ['guard']).get('/api/v2/ml/accuracy')).status).toBe(403);
    expect((await ops().get('/api/v2/ml/accuracy?window_days=0')).status).toBe(400);
  });

  it('answers accuracy for any window to the hour, per version (for the rollback rule)', async () => {
    const service = app.app.get(AccuracyService);
    const t0 = Date.parse(T0);
    expect(await service.accuracy('conflict_predictor', { version: 'heuristic_v1', fromMs: t0, toMs: t0 + 24 * HOUR })).toEqual({ correct: 0, total: 10 });
    expect(await service.accuracy('conflict_predictor', { fromMs: t0 + HOUR, toMs: t0 + 72 * HOUR })).toEqual({ correct: 30, total: 30 });
    expect(await service.accuracy('conflict_predictor', { version: 'v20260101_000000', fromMs: t0, toMs: t0 + 72 * HOUR })).toEqual({ correct: 0, total: 0 });
  });
});

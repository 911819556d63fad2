import { ModelActivated, ModelRolledBack } from '../../src/domain/models/model.events';
import { DAY_MS, HOUR_MS, ManualClock } from '../../src/domain/shared/clock';
import { exportConflictModelToOnnx } from '../../src/ml/onnx-export';
import { TestApp, startTestApp } from '../support/app';
import { client } from '../sync/http-client';
import { AuditEvent, modelStream, uploadModel } from './support/model-api';
import { eventually } from '../support/eventually';

jest.setTimeout(120_000);

const T0 = '2026-04-01T00:00:00.000Z';
const T1 = new Date(Date.parse(T0) + 3 * DAY_MS).toISOString();

/** A model that answers the same probability for every sync: a clean way to script accuracy. */
const constantModel = (p: number) => exportConflictModelToOnnx({ scaler: { mean: [0, 0, 0, 0, 0], scale: [1, 1, 1, 1, 1] }, coefficients: [0, 0, 0, 0, 0], intercept: Math.log(p / (1 - p)) });

describe('automatic rollback (e2e)', () => {
  const clock = new ManualClock(T0);
  let app: TestApp;
  const as = (roles: string[], sub = 'eng-1') => client(() => app.baseUrl, app.token({ sub, tenant: 'acme', roles }));
  const predict = async (n: number, expectedVersion: string) => {
    for (let i = 0; i < n; i++) {
      const res = await as(['guard'], 'alice').post<{ model_version: string }>('/api/v2/ml/conflict-predictions', { entity_type: 'meter', entity_id: `quiet-${i}`, device_id: 'd', fields: ['value'] });
      expect(res.status).toBe(201);
      expect(res.body.model_version).toBe(expectedVersion);
    }
  };
  const sweep = async () => (await as(['ops']).post<{ closed: number; position: string }>('/api/v2/ml/predictions/outcomes/sweep')).body;
  const asOf = async (at: string) => (await as(['auditor']).get<Record<string, unknown>>(`/api/v2/audit/models/conflict_predictor/as-of?at=${encodeURIComponent(at)}`)).body;
  let steady = '';
  let risky = '';

  beforeAll(async () => {
    app = await startTestApp({ clock, env: { ROLLBACK_MIN_SAMPLES: '20' } });
  });
  afterAll(async () => app.close());

  it('watches a new model for its first day, then rolls it back to its predecessor when it is > 10 points worse', async () => {
    steady = (await uploadModel(app, constantModel(0.1))).body.version;
    clock.advance(1000);
    risky = (await uploadModel(app, constantModel(0.9))).body.version;
    expect((await as(['ml_engineer']).post(`/api/v2/ml/models/${steady}/activate`, { reason: 'steady baseline' })).status).toBe(200);

    // A week of the predecessor: no conflicts come, and 0.1 said none would: 100% accurate.
    clock.set(new Date(Date.parse(T0) + HOUR_MS));
    await predict(25, steady);
    clock.set(new Date(Date.parse(T0) + 26 * HOUR_MS));
    expect((await sweep()).closed).toBe(25);

    clock.set(T1);
    expect((await as(['ml_engineer']).post(`/api/v2/ml/models/${risky}/activate`, { reason: 'try the risky one' })).status).toBe(200);
    clock.set(new Date(Date.parse(T1) + HOUR_MS));
    await predict(25, risky);
    clock.set(new Date(Date.parse(T1) + 26 * HOUR_MS));
    expect((await sweep()).closed).toBe(25);
    // The first day's outcomes are not all due yet (24 h window + 30 h to settle): nothing decided.
    expect((await as(['ops']).post('/api/v2/ml/models/rollback-check')).body).toMatchObject({ status: 'not_due', version: risky, due_at: new Date(Date.parse(T1) + 54 * HOUR_MS).toISOString() });
    clock.set(new Date(Date.parse(T1) + 30 * HOUR_MS));
    await predict(1, risky);

    // The next sweep records an outcome; the rollback saga sees it, the review is due, and fires.
    clock.set(new Date(Date.parse(T1) + 55 * HOUR_MS));
    expect((await sweep()).closed).toBe(1);
    const events = await eventually(
      () => modelStream(app),
      (e) => e.some((x) => x.type === 'ModelRolledBack'),
      10_000,
    );
    const tail = events.slice(-3);
    expect(tail.map((e) => e.type)).toEqual(['ModelRolledBack', 'ModelDeactivated', 'ModelActivated']);
    const rolledBack = tail[0] as AuditEvent<ModelRolledBack['data']>;
    expect(rolledBack.metadata.actorId).toBe('saga:rollback');
    expect(rolledBack.data).toMatchObject({
      fromVersion: risky,
      toVersion: steady,
      activationAt: T1,
      candidate: { version: risky, correct: 0, total: 25, accuracy: 0 },
      predecessor: { version: steady, correct: 25, total: 25, accuracy: 1 },
      rolledBackBy: 'saga:rollback',
    });
    expect(rolledBack.data.reason).toContain('100.0 points worse, more than 10.0');
    expect((tail[2] as AuditEvent<ModelActivated['data']>).data).toMatchObject({ version: steady, previousVersion: risky, cause: 'rollback', activatedBy: 'saga:rollback' });

    // The pointer moves with ModelActivated, the last of the three: wait for its position, not the rollback's.
    const pointer = await as(['ops']).get(`/api/v2/ml/models/active?min_position=${(tail[2] as AuditEvent).position}`);
    expect(pointer.body).toMatchObject({ version: steady, activated_by: 'saga:rollback', cause: 'rollback' });
    const history = await as(['ops']).get<{ items: { type: string; from_version?: string; to_version?: string }[] }>('/api/v2/ml/models/history');
    expect(history.body.items.find((h) => h.type === 'ModelRolledBack')).toMatchObject({ from_version: risky, to_version: steady });
    const list = await as(['ops']).get<{ items: { version: string; status: string }[] }>('/api/v2/ml/models');
    expect(list.body.items.map((m) => [m.version, m.status])).toEqual([
      [risky, 'rolled_back'],
      [steady, 'active'],
    ]);
    await predict(1, steady);

    // Reviewed once: neither the tick nor a replay of the outcomes does it again.
    expect((await as(['ops']).post('/api/v2/ml/models/rollback-check')).body).toMatchObject({ status: 'already_reviewed' });
    expect((await modelStream(app)).length).toBe(events.length);
  });

  it('answers as-of before the switch, during the risky day and after the rollback', async () => {
    expect(await asOf(new Date(Date.parse(T0) - 1).toISOString())).toMatchObject({ version: null });
    expect(await asOf(new Date(Date.parse(T1) - 1).toISOString())).toMatchObject({ version: steady, activated_by: 'eng-1', reason: 'steady baseline', cause: 'manual' });
    expect(await asOf(new Date(Date.parse(T1) + 12 * HOUR_MS).toISOString())).toMatchObject({ version: risky, activated_at: T1, activated_by: 'eng-1', reason: 'try the risky one' });
    const after = await asOf(new Date(Date.parse(T1) + 56 * HOUR_MS).toISOString());
    expect(after).toMatchObject({ version: steady, activated_by: 'saga:rollback', cause: 'rollback', previous_version: risky });
    expect(String(after.reason)).toMatch(/^rollback of v\d{8}_\d{6}: first-day accuracy of .* 0\.0% \(0\/25\) vs 7-day accuracy of .* 100\.0% \(25\/25\)/);
  });
});

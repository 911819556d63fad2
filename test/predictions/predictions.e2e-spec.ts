import { ManualClock } from '../../src/domain/shared/clock';
import { EVENT_STORE, EventStore } from '../../src/ports/event-store.port';
import { heuristicProbability } from '../../src/ml/conflict-features';
import { OutcomesSaga } from '../../src/sagas/outcomes/outcomes.saga';
import { TestApp, startTestApp } from '../support/app';
import { client } from '../sync/http-client';
import { eventually } from '../support/eventually';
import { checkedFetch } from '../support/wire';

const T0 = '2026-03-01T12:00:00.000Z';
const MIN = 60_000;
const HOUR = 60 * MIN;

interface Prediction {
  prediction_id: string;
  probability: number;
  risk_level: string;
  recommendation: string;
  model_version: string;
  features_used: Record<string, number>;
  predicted_at: string;
  sync_id: string | null;
  position: string;
}
interface LogItem extends Prediction {
  outcome: 'pending' | 'correct' | 'incorrect';
  conflict_occurred: boolean | null;
}
interface List<T> {
  items: T[];
  next_cursor: string | null;
}

describe('conflict predictions, prediction log and outcomes (e2e)', () => {
  const clock = new ManualClock(T0);
  let app: TestApp;
  const as = (sub: string, roles: string[], tenant = 'acme') => client(() => app.baseUrl, app.token({ sub, tenant, roles }));
  const guard = (sub: string) => as(sub, ['guard']);
  const ml = () => as('ml', ['ml_engineer', 'ops', 'auditor']);

  beforeAll(async () => {
    app = await startTestApp({ clock });
  });
  afterAll(async () => app.close());

  async function sync(user: string, entity: string, offsetMs: number, fields: string[], syncId?: string) {
    const res = await guard(user).post<{ sync_id: string; position: string }>('/api/v2/sync/events', {
      sync_id: syncId,
      entity_type: 'meter',
      entity_id: entity,
      device_id: 'p',
      fields,
      synced_at: new Date(clock.now().getTime() + offsetMs).toISOString(),
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function predict(user: string, body: Record<string, unknown>, minPosition?: string) {
    const res = await guard(user).post<Prediction>(`/api/v2/ml/conflict-predictions${minPosition ? `?min_position=${minPosition}` : ''}`, { entity_type: 'meter', device_id: 'p', ...body });
    expect(res.status).toBe(201);
    return res.body;
  }

  const logItem = (id: string) => ml().get<LogItem>(`/api/v2/ml/predictions/${id}`);
  const settled = (id: string) => eventually(() => logItem(id), (r) => r.body.outcome !== 'pending');

  it('serves heuristic_v1 with no active model, with the documented value and risk mapping', async () => {
    // No history: only "more than 24 h since the last sync" applies: 0.10 + 0.10 = 0.20, medium.
    const quiet = await predict('alice', { entity_id: 'q1', fields: ['value'] });
    expect(quiet).toEqual(
      expect.objectContaining({ model_version: 'heuristic_v1', probability: 0.2, risk_level: 'medium', recommendation: 'sync_with_review', predicted_at: T0, position: expect.stringMatching(/^\d+$/) }),
    );
    expect(quiet.features_used).toEqual({ concurrent_editors: 0, hours_since_last_sync: 168, user_conflict_rate: 0, entity_edit_frequency: 0, field_overlap_score: 0 });

    // Two others edited `value` in the last 5 minutes: 0.10 + 2 × 0.15 + 0.10 + 0.2 × 1 = 0.70, high.
    await sync('bob', 'h1', -2 * MIN, ['value']);
    const last = await sync('carol', 'h1', -1 * MIN, ['value', 'unit']);
    const busy = await predict('alice', { entity_id: 'h1', fields: ['value'] }, last.position);
    expect(busy.features_used.concurrent_editors).toBe(2);
    expect(busy.probability).toBeCloseTo(0.7, 12);
    expect(busy.probability).toBe(heuristicProbability(busy.features_used as never));
    expect(busy).toEqual(expect.objectContaining({ risk_level: 'high', recommendation: 'delay_sync', model_version: 'heuristic_v1' }));
  });

  it('validates, guards roles and makes a retry with an Idempotency-Key harmless', async () => {
    expect((await guard('alice').post('/api/v2/ml/conflict-predictions', { entity_type: 'meter', device_id: 'p' })).status).toBe(400);
    expect((await as('l', ['labeler']).post('/api/v2/ml/conflict-predictions', { entity_type: 'meter', entity_id: 'x', device_id: 'p' })).status).toBe(403);
    expect((await guard('alice').get('/api/v2/ml/predictions')).status).toBe(403);

    const key = { authorization: `Bearer ${app.token({ sub: 'alice', tenant: 'acme', roles: ['guard'] })}`, 'content-type': 'application/json', 'idempotency-key': 'retry-1' };
    const post = () => checkedFetch(app.baseUrl, '/api/v2/ml/conflict-predictions', { method: 'POST', headers: key, body: JSON.stringify({ entity_type: 'meter', entity_id: 'r1', device_id: 'p' }) });
    const first = (await (await post()).json()) as Prediction;
    const second = (await (await post()).json()) as Prediction;
    expect(second).toEqual(first);
  });

  it('lists predictions of the caller tenant only, filtered by model version and outcome', async () => {
    const mine = await ml().get<List<LogItem>>('/api/v2/ml/predictions?model_type=conflict_predictor&model_version=heuristic_v1&outcome=pending');
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBe(3);
    expect(mine.body.items[0]).toEqual(expect.objectContaining({ model_version: 'heuristic_v1', outcome: 'pending', user_id: 'alice' }));
    const theirs = await as('ml', ['ml_engineer'], 'other').get<List<LogItem>>('/api/v2/ml/predictions');
    expect(theirs.body.items).toEqual([]);
    expect((await as('ml', ['auditor'], 'other').get(`/api/v2/ml/predictions/${mine.body.items[0].prediction_id}`)).status).toBe(404);
    expect((await ml().get('/api/v2/ml/predictions?outcome=maybe')).status).toBe(400);
  });

  it('records the outcome at once when the announced sync conflicts', async () => {
    const p = await predict('dave', { entity_id: 'o1', sync_id: 'dave-s1', fields: ['value'] });
    await sync('dave', 'o1', 0, ['value'], 'dave-s1');
    const conflict = await guard('dave').post('/api/v2/sync/conflicts', { sync_id: 'dave-s1', resolution_type: 'manual' });
    expect(conflict.status).toBe(201);
    const item = await settled(p.prediction_id);
    // p = 0.20 < 0.5 predicted no conflict; one happened.
    expect(item.body).toEqual(expect.objectContaining({ outcome: 'incorrect', conflict_occurred: true, sync_id: 'dave-s1' }));
  });

  it("ties a prediction without sync_id to the user's next sync of the entity within 24 h", async () => {
    const p = await predict('erin', { entity_id: 'o2', fields: ['value'] });
    clock.advance(3 * HOUR);
    await sync('frank', 'o2', 0, ['value'], 'frank-s1'); // another user's sync is not erin's
    const mine = await sync('erin', 'o2', 0, ['value'], 'erin-s1');
    await guard('frank').post('/api/v2/sync/conflicts', { sync_id: 'frank-s1', resolution_type: 'manual' });
    await guard('erin').post('/api/v2/sync/conflicts', { sync_id: 'erin-s1', resolution_type: 'manual' });
    const item = await settled(p.prediction_id);
    expect(item.body).toEqual(expect.objectContaining({ sync_id: 'erin-s1', conflict_occurred: true, outcome: 'incorrect' }));
    expect(Number(mine.position)).toBeGreaterThan(0);
  });

  it('sweeps predictions 24 h old with no conflict as negative outcomes, once, even after a replay', async () => {
    const ops = as('ops', ['ops', 'auditor']);
    const sweepNow = async () => {
      const res = await ops.post<{ closed: number; conflicts: number; position: string }>('/api/v2/ml/predictions/outcomes/sweep');
      expect(res.status).toBe(200);
      return res.body;
    };
    // T0 + 3 h: nothing is 24 h old yet.
    expect((await sweepNow()).closed).toBe(0);
    clock.set(new Date(Date.parse(T0) + 24 * HOUR));
    const swept = await sweepNow();
    expect(swept.closed).toBe(3); // the three made at T0 with no sync (q1, h1, r1)
    const pending = await ml().get<List<LogItem>>(`/api/v2/ml/predictions?outcome=pending&min_position=${swept.position}`);
    expect(pending.body.items).toEqual([]);
    const correct = await ml().get<List<LogItem>>(`/api/v2/ml/predictions?outcome=correct&min_position=${swept.position}`);
    expect(correct.body.items.map((i) => i.probability).sort()).toEqual([0.2, 0.2]);
    const incorrect = await ml().get<List<LogItem>>(`/api/v2/ml/predictions?outcome=incorrect`);
    expect(incorrect.body.items.length).toBe(3); // h1 (0.7, no conflict) and the two conflicts below 0.5

    const outcomes = async () =>
      (await ops.get<List<{ data: { predictionId: string } }>>('/api/v2/audit/events?type=PredictionOutcomeRecorded&limit=1000')).body.items.map((e) => e.data.predictionId);
    const before = await outcomes();
    expect(before.length).toBe(5);
    expect(new Set(before).size).toBe(5);

    // Replay: rebuild the prediction log from position 0, re-run the sweep, re-feed the saga the conflicts, restart.
    expect((await ops.post('/api/v2/ops/projections/prediction-log/rebuild')).status).toBe(202);
    await eventually(
      () => ops.get<List<{ name: string; status: string; last_rebuild: unknown }>>('/api/v2/ops/projections'),
      (r) => r.body.items.some((p) => p.name === 'prediction-log' && p.status === 'live' && p.last_rebuild !== null),
    );
    expect((await sweepNow()).closed).toBe(0);
    const store = app.app.get<EventStore>(EVENT_STORE);
    const saga = app.app.get(OutcomesSaga);
    for (const e of (await store.readAll()).filter((x) => x.type === 'ConflictResolved' || x.type === 'PredictionOutcomeRecorded')) await saga.handle(e);
    await app.restart();
    expect((await sweepNow()).closed).toBe(0);
    expect((await outcomes()).sort()).toEqual([...before].sort());
  });
});

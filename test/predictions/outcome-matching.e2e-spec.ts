import { ManualClock } from '../../src/domain/shared/clock';
import { TestApp, startTestApp } from '../support/app';
import { eventually } from '../support/eventually';
import { client } from '../sync/http-client';

const T0 = '2026-05-04T09:00:00.000Z';
const MIN = 60_000;
const HOUR = 60 * MIN;

interface Prediction {
  prediction_id: string;
  probability: number;
  position: string;
}
interface LogItem {
  prediction_id: string;
  probability: number;
  outcome: 'pending' | 'correct' | 'incorrect';
  conflict_occurred: boolean | null;
  sync_id: string | null;
}
interface List<T> {
  items: T[];
  next_cursor: string | null;
}

/**
 * Several predictions without sync_id before one sync of the same user and entity: every one of
 * them takes that sync's outcome, at once on a conflict, by the sweep on a clean sync.
 */
describe('every prediction before a sync gets its outcome (e2e)', () => {
  const clock = new ManualClock(T0);
  let app: TestApp;
  const guard = (sub: string) => client(() => app.baseUrl, app.token({ sub, tenant: 'acme', roles: ['guard'] }));
  const ops = () => client(() => app.baseUrl, app.token({ sub: 'ops', tenant: 'acme', roles: ['ops', 'ml_engineer', 'auditor'] }));
  /** What the test itself expects of every prediction: probability and whether a conflict came. */
  const truth = new Map<string, { probability: number; conflict: boolean }>();

  beforeAll(async () => {
    app = await startTestApp({ clock });
  });
  afterAll(async () => app.close());

  async function predictions(user: string, entity: string, n: number): Promise<Prediction[]> {
    const out: Prediction[] = [];
    for (let i = 0; i < n; i++) {
      const res = await guard(user).post<Prediction>('/api/v2/ml/conflict-predictions', { entity_type: 'meter', entity_id: entity, device_id: 'd', fields: ['value'] });
      expect(res.status).toBe(201);
      out.push(res.body);
      clock.advance(MIN);
    }
    return out;
  }

  async function syncOf(user: string, entity: string, syncId: string) {
    const res = await guard(user).post<{ position: string }>('/api/v2/sync/events', { sync_id: syncId, entity_type: 'meter', entity_id: entity, device_id: 'd', fields: ['value'] });
    expect(res.status).toBe(201);
    return res.body;
  }

  const item = async (id: string) => (await ops().get<LogItem>(`/api/v2/ml/predictions/${id}`)).body;
  const allSettled = (ids: readonly string[]) =>
    eventually(
      () => Promise.all(ids.map(item)),
      (items) => items.every((i) => i.outcome !== 'pending'),
    );

  it.each([2, 3])('closes all %i predictions made before one conflicting sync as conflicts at once', async (n) => {
    const user = `u${n}`;
    const ps = await predictions(user, `c${n}`, n);
    await syncOf(user, `c${n}`, `s-c${n}`);
    const conflict = await guard(user).post('/api/v2/sync/conflicts', { sync_id: `s-c${n}`, resolution_type: 'manual' });
    expect(conflict.status).toBe(201);
    // No sweep: the conflict alone closes every one of them.
    const items = await allSettled(ps.map((p) => p.prediction_id));
    for (const i of items) {
      expect(i).toEqual(expect.objectContaining({ conflict_occurred: true, sync_id: `s-c${n}`, outcome: i.probability >= 0.5 ? 'correct' : 'incorrect' }));
      truth.set(i.prediction_id, { probability: i.probability, conflict: true });
    }
  });

  it('closes all predictions made before a clean sync as no-conflict by the sweep', async () => {
    const ps = await predictions('v3', 'n3', 3);
    await syncOf('v3', 'n3', 's-n3');
    for (const p of ps) truth.set(p.prediction_id, { probability: p.probability, conflict: false });
    clock.advance(25 * HOUR);
    const swept = await ops().post<{ closed: number; conflicts: number; position: string }>('/api/v2/ml/predictions/outcomes/sweep');
    expect(swept.status).toBe(200);
    expect(swept.body).toEqual(expect.objectContaining({ closed: 3, conflicts: 0 }));
    const items = await allSettled(ps.map((p) => p.prediction_id));
    for (const i of items) expect(i).toEqual(expect.objectContaining({ conflict_occurred: false, sync_id: 's-n3' }));

    // The conflicting ones were closed before; the sweep must not close them again as clean.
    const again = await ops().post<{ closed: number }>('/api/v2/ml/predictions/outcomes/sweep');
    expect(again.body.closed).toBe(0);
  });

  it('reports a 7-day accuracy equal to an independent count of the outcomes', async () => {
    const log = await ops().get<List<LogItem>>('/api/v2/ml/predictions?limit=100');
    expect(log.body.items.every((i) => i.outcome !== 'pending')).toBe(true);
    expect(log.body.items.length).toBe(truth.size);
    let correct = 0;
    for (const t of truth.values()) if (t.probability >= 0.5 === t.conflict) correct += 1;
    const accuracy = await ops().get<{ accuracy: number; sample_size: number }>('/api/v2/ml/accuracy?model_type=conflict_predictor&window_days=7');
    expect(accuracy.body.sample_size).toBe(truth.size);
    expect(accuracy.body.accuracy).toBeCloseTo(correct / truth.size, 12);
  });
});

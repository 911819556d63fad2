import { ManualClock } from '../../src/domain/shared/clock';
import { ConflictFeatures } from '../../src/ml/conflict-features';
import { ConflictFeaturesService } from '../../src/projections/conflict-features/conflict-features.service';
import { TestApp, startTestApp } from '../support/app';
import { client } from './http-client';

const T0 = '2026-03-01T12:00:00.000Z';
const at = (offsetMs: number) => new Date(Date.parse(T0) + offsetMs).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

interface SyncAnswer {
  sync_id: string;
  synced_at: string;
  position: string;
}
interface FeaturesAnswer {
  features: ConflictFeatures;
}

describe('sync history and point-in-time features (e2e)', () => {
  const clock = new ManualClock(T0);
  let app: TestApp;
  const as = (sub: string, roles: string[] = ['guard'], tenant = 'acme') => client(() => app.baseUrl, app.token({ sub, tenant, roles }));

  beforeAll(async () => {
    app = await startTestApp({ clock });
  });
  afterAll(async () => app.close());

  async function sync(user: string, entity: string, offsetMs: number, fields: string[], syncId?: string, tenant = 'acme') {
    const res = await as(user, ['guard'], tenant).post<SyncAnswer>('/api/v2/sync/events', {
      sync_id: syncId,
      entity_type: 'meter',
      entity_id: entity,
      device_id: `${user}-phone`,
      fields,
      synced_at: at(offsetMs),
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function features(query: string, minPosition: string): Promise<ConflictFeatures> {
    const res = await as('ml', ['ml_engineer']).get<FeaturesAnswer>(`/api/v2/sync/features?entity_type=meter&${query}&min_position=${minPosition}`);
    expect(res.status).toBe(200);
    return res.body.features;
  }

  it('records syncs and conflicts: generated ids, idempotent repeats, 409 on reuse, 404 unknown sync', async () => {
    const guard = as('zed');
    const first = await guard.post<SyncAnswer>('/api/v2/sync/events', { entity_type: 'meter', entity_id: 'z1', device_id: 'p1', fields: ['value'] });
    expect(first.status).toBe(201);
    expect(first.body.sync_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.body.synced_at).toBe(T0);
    expect(first.body.position).toMatch(/^\d+$/);

    const body = { sync_id: 'dup-1', entity_type: 'meter', entity_id: 'z1', device_id: 'p1', fields: ['value'], synced_at: at(-HOUR) };
    const a = await guard.post<SyncAnswer>('/api/v2/sync/events', body);
    const b = await guard.post<SyncAnswer>('/api/v2/sync/events', body);
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expect((await guard.post('/api/v2/sync/events', { ...body, fields: ['unit'] })).status).toBe(409);

    const conflict = await guard.post('/api/v2/sync/conflicts', { sync_id: 'dup-1', resolution_type: 'server_wins' });
    expect(conflict.status).toBe(201);
    expect(conflict.body).toEqual(expect.objectContaining({ sync_id: 'dup-1', resolution_type: 'server_wins', position: expect.stringMatching(/^\d+$/) }));
    expect((await guard.post('/api/v2/sync/conflicts', { sync_id: 'nope', resolution_type: 'server_wins' })).status).toBe(404);
    // Another tenant's sync does not exist for this caller.
    expect((await as('mallory', ['guard'], 'other').post('/api/v2/sync/conflicts', { sync_id: 'dup-1', resolution_type: 'manual' })).status).toBe(404);
  });

  it('validates input and roles', async () => {
    const guard = as('alice');
    const bad = await guard.post('/api/v2/sync/events', { entity_type: 'meter', entity_id: 'bad id!', device_id: 'p', fields: 'value' });
    expect(bad.status).toBe(400);
    expect(String(bad.body.message)).toContain('entity_id');
    expect((await guard.post('/api/v2/sync/events', { entity_type: 'meter', entity_id: 'z', device_id: 'p', fields: [], synced_at: at(HOUR) })).status).toBe(400);
    expect((await as('ml', ['ml_engineer']).post('/api/v2/sync/events', { entity_type: 'meter', entity_id: 'z', device_id: 'p', fields: [] })).status).toBe(403);
    expect((await guard.get('/api/v2/sync/features?entity_type=meter&entity_id=z')).status).toBe(403);
  });

  it('answers features from history known at the time: 5-minute and 30-day windows, later events ignored', async () => {
    await sync('alice', 'm1', -31 * DAY, ['value'], 'a-old');
    await as('alice').post('/api/v2/sync/conflicts', { sync_id: 'a-old', resolution_type: 'merged', resolved_at: at(-31 * DAY + MIN) });
    await sync('alice', 'm1', -10 * DAY, ['value'], 'a-1');
    await as('alice').post('/api/v2/sync/conflicts', { sync_id: 'a-1', resolution_type: 'merged', resolved_at: at(-10 * DAY + MIN) });
    await sync('alice', 'm2', -2 * HOUR, ['unit'], 'a-2');
    await sync('bob', 'm1', -6 * MIN, ['value'], 'b-1');
    await sync('carol', 'm1', -5 * MIN, ['value', 'unit'], 'c-1');
    await sync('dave', 'm1', -MIN, ['note'], 'd-1');
    await sync('erin', 'm1', -MIN, ['value'], 'x-1', 'other');
    const last = await sync('frank', 'm1', +MIN, ['value'], 'later');

    const now = await features(`entity_id=m1&user_id=alice&fields=value&at=${encodeURIComponent(T0)}`, last.position);
    expect(now.concurrent_editors).toBe(2);
    expect(now.field_overlap_score).toBe(1);
    expect(now.user_conflict_rate).toBe(0.5);
    expect(now.entity_edit_frequency).toBeCloseTo(4 / 30, 10);
    expect(now.hours_since_last_sync).toBeCloseTo(2, 10);

    const past = await features(`entity_id=m1&user_id=alice&fields=value&at=${encodeURIComponent(at(-10 * DAY + 30_000))}`, last.position);
    expect(past).toEqual({
      concurrent_editors: 0,
      hours_since_last_sync: expect.closeTo(30 / 3600, 10),
      user_conflict_rate: 0.5,
      entity_edit_frequency: expect.closeTo(2 / 30, 10),
      field_overlap_score: 0,
    });
  });

  it('builds training rows: one per settled sync, point-in-time features, labels from conflicts', async () => {
    const service = app.app.get(ConflictFeaturesService);
    const rows = await service.trainingRows(90, Date.parse(T0));
    // Syncs at least 24 h old: a-old and a-1 here, plus dup-1 is only 1 h old, so it is left out.
    expect(rows.map((r) => r.syncId)).toEqual(['a-old', 'a-1']);
    expect(rows.map((r) => r.label)).toEqual([1, 1]);
    const [, a1] = rows;
    expect(a1.syncedAt).toBe(at(-10 * DAY));
    // a-1's own features: a-old 21 days earlier (conflicted), nothing later, not itself.
    expect(a1.features).toEqual([0, 168, 1, 1 / 30, 0]);

    // Two days on, the syncs around T0 have settled; later syncs and conflicts never change a past row.
    clock.set(at(2 * DAY));
    const later = await service.trainingRows(90, clock.now().getTime());
    expect(later.length).toBe(10);
    expect(later.find((r) => r.syncId === 'a-1')?.features).toEqual(a1.features);
    expect(later.find((r) => r.syncId === 'dup-1')?.label).toBe(1);
    expect(later.find((r) => r.syncId === 'b-1')?.label).toBe(0);
    expect(later.map((r) => Date.parse(r.syncedAt))).toEqual([...later.map((r) => Date.parse(r.syncedAt))].sort((x, y) => x - y));
    expect((await service.trainingRows(20, clock.now().getTime())).some((r) => r.syncId === 'a-1')).toBe(true);
    expect((await service.trainingRows(5, clock.now().getTime())).some((r) => r.syncId === 'a-1')).toBe(false);
    clock.set(T0);
  });
});

import { threadId } from 'node:worker_threads';
import { ManualClock } from '../../src/domain/shared/clock';
import { CURRENT_FEATURE_DEFINITION } from '../../src/ml/conflict-features';
import { featuresAtIn } from '../../src/projections/conflict-features/conflict-features.reads';
import { READ_STORE, ReadStore } from '../../src/ports/read-store.port';
import { READ_THREAD, ReadThread } from '../../src/ports/read-thread.port';
import { ProjectionRunner } from '../../src/runtime/projection-runner';
import { TestApp, startTestApp } from '../support/app';
import { client } from '../sync/http-client';

const T0 = '2026-03-01T12:00:00.000Z';
const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * A prediction's point-in-time features, over HTTP, are exactly what the lookup computes in place
 * from the same read model; on the SQLite file they come from the read thread, not the main one.
 */
describe('conflict features on the read thread (e2e)', () => {
  const clock = new ManualClock(T0);
  let app: TestApp;
  const guard = (sub: string, tenant = 'acme') => client(() => app.baseUrl, app.token({ sub, tenant, roles: ['guard'] }));

  beforeAll(async () => {
    app = await startTestApp({ clock });
  });
  afterAll(async () => app.close());

  it('answers the features the in-place lookup computes, for histories of every shape', async () => {
    // Syncs by three users on two entities over the last two days, two of them conflicting.
    let last = '0';
    const history: Array<[string, string, number, string[], boolean]> = [
      ['bob', 'm1', -40 * HOUR, ['value'], false],
      ['carol', 'm1', -3 * HOUR, ['value', 'unit'], true],
      ['bob', 'm1', -20 * MIN, ['unit'], false],
      ['carol', 'm2', -2 * MIN, ['value'], false],
      ['alice', 'm2', -90 * MIN, ['value'], true],
      ['alice', 'm1', -30 * HOUR, ['notes'], false],
    ];
    for (const [i, [user, entity, offset, fields, conflicted]] of history.entries()) {
      const syncId = `s-${i}`;
      const res = await guard(user).post<{ position: string }>('/api/v2/sync/events', { sync_id: syncId, entity_type: 'meter', entity_id: entity, device_id: 'd', fields, synced_at: new Date(clock.now().getTime() + offset).toISOString() });
      expect(res.status).toBe(201);
      last = res.body.position;
      if (conflicted) {
        const conflict = await guard(user).post<{ position: string }>('/api/v2/sync/conflicts', { sync_id: syncId, resolution_type: 'merged' });
        expect(conflict.status).toBe(201);
        last = conflict.body.position;
      }
    }
    const store = app.app.get<ReadStore>(READ_STORE);
    const catalog = app.app.get(ProjectionRunner).catalog;
    const asked: Array<[string, string, string[], string?]> = [
      ['alice', 'm1', ['value']],
      ['alice', 'm2', ['value', 'unit']],
      ['bob', 'm2', []],
      ['carol', 'm1', ['unit'], 's-1'],
      ['dave', 'm3', ['value']],
    ];
    const distinct = new Set<string>();
    for (const [user, entity, fields, syncId] of asked) {
      const res = await guard(user).post<{ features_used: Record<string, number> }>(`/api/v2/ml/conflict-predictions?min_position=${last}`, { entity_type: 'meter', entity_id: entity, device_id: 'd', fields, ...(syncId ? { sync_id: syncId } : {}) });
      expect(res.status).toBe(201);
      const inPlace = await featuresAtIn(store, catalog, { tenant: 'acme', userId: user, entityType: 'meter', entityId: entity, fields, atMs: clock.now().getTime(), ...(syncId ? { syncId } : {}), definition: CURRENT_FEATURE_DEFINITION });
      expect(res.body.features_used).toEqual({ ...inPlace });
      distinct.add(JSON.stringify(inPlace));
    }
    // The histories differ, so do the answers: the comparison is not of empty lookups.
    expect(distinct.size).toBeGreaterThanOrEqual(4);
    // Another tenant's user of the same name sees none of this history.
    const other = await guard('alice', 'other').post<{ features_used: Record<string, number> }>('/api/v2/ml/conflict-predictions', { entity_type: 'meter', entity_id: 'm1', device_id: 'd', fields: ['value'] });
    expect(other.body.features_used).toEqual({ concurrent_editors: 0, hours_since_last_sync: 168, user_conflict_rate: 0, entity_edit_frequency: 0, field_overlap_score: 0 });

    const thread = app.app.get<ReadThread | null>(READ_THREAD, { strict: false });
    if (app.storeEnv.DATABASE_URL || app.storeEnv.MONGODB_URI) {
      // A server's store answers over the network: the lookup stays where it is.
      expect(thread).toBeNull();
    } else {
      expect(thread?.lastThreadId).toEqual(expect.any(Number));
      expect(thread?.lastThreadId).not.toBe(threadId);
    }
  });
});

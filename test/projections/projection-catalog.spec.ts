import { PostgresReadStore } from '../../src/infrastructure/postgres/postgres-read-store';
import { SqliteReadStore } from '../../src/infrastructure/read-store/sqlite-read-store';
import { ReadStore } from '../../src/ports/read-store.port';
import { CATALOG_COLLECTION, ProjectionCatalog, ProjectionState } from '../../src/runtime/projection-catalog';
import { Projection } from '../../src/runtime/projection';
import { TEST_DATABASE_URL, freshPostgres } from '../support/postgres';
import { tempSqlite } from '../support/sqlite';

const projection = { name: 'features', version: 2, collections: ['entity_history', 'user_history'], evolve: () => null } as unknown as Projection;

async function sqliteStore() {
  const { db, remove } = tempSqlite('catalog-');
  const store = new SqliteReadStore(db);
  return { store: store as ReadStore, cleanup: async () => (await store.close(), remove()) };
}

async function postgresStore() {
  const pg = await freshPostgres('catalog');
  const store = new PostgresReadStore(pg.pool);
  return { store: store as ReadStore, cleanup: async () => (await store.close(), await pg.cleanup()) };
}

const stores: Array<[string, () => Promise<{ store: ReadStore; cleanup: () => Promise<void> }>]> = [['sqlite', sqliteStore]];
if (TEST_DATABASE_URL) stores.push(['postgres', postgresStore]);

/**
 * Every query names its physical collection through the catalog. Queries that arrive together
 * share one read of a projection's state (on PostgreSQL each read is a round trip: under the
 * predictions load they were two of a prediction's five statements), and a read made before a
 * save never answers a lookup made after it.
 */
describe.each(stores)('projection catalog on %s', (_kind, open) => {
  it('answers lookups that arrive together with one read of the state', async () => {
    const { store, cleanup } = await open();
    try {
      const catalog = new ProjectionCatalog(store);
      catalog.register(projection);
      await catalog.save({ name: 'features', active: { version: 2, generation: 3 }, building: null, rebuildRequestedAt: null, lastRebuild: null });
      const get = jest.spyOn(store, 'get');
      const names = await Promise.all(Array.from({ length: 20 }, (_, i) => catalog.collection(i % 2 ? 'entity_history' : 'user_history')));
      expect(new Set(names)).toEqual(new Set(['entity_history__v2_g3', 'user_history__v2_g3']));
      expect(get.mock.calls.filter(([collection]) => collection === CATALOG_COLLECTION)).toHaveLength(1);
    } finally {
      await cleanup();
    }
  });

  it('reads again after a save: a lookup made after a switch names the new generation', async () => {
    const { store, cleanup } = await open();
    try {
      const catalog = new ProjectionCatalog(store);
      catalog.register(projection);
      const state: ProjectionState = { name: 'features', active: { version: 2, generation: 1 }, building: null, rebuildRequestedAt: null, lastRebuild: null };
      await catalog.save(state);
      // A lookup in flight while the switch is saved, and one made once the save returned.
      const before = catalog.collection('entity_history');
      await catalog.save({ ...state, active: { version: 2, generation: 2 } });
      const after = catalog.collection('entity_history');
      expect(await before).toMatch(/^entity_history__v2_g[12]$/);
      expect(await after).toBe('entity_history__v2_g2');
      // And another process's switch is seen by the next lookup (no answer is kept once its read returned).
      await new ProjectionCatalog(store).save({ ...state, active: { version: 2, generation: 4 } });
      expect(await catalog.collection('user_history')).toBe('user_history__v2_g4');
    } finally {
      await cleanup();
    }
  });
});

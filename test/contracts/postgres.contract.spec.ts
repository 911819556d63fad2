import type { Pool } from 'pg';
import { UpcasterRegistry } from '../../src/domain/shared/upcasting';
import { PostgresBlobStore } from '../../src/infrastructure/postgres/postgres-blob-store';
import { PostgresEventStore } from '../../src/infrastructure/postgres/postgres-event-store';
import { PostgresReadStore } from '../../src/infrastructure/postgres/postgres-read-store';
import { StatementNames, openPostgres } from '../../src/infrastructure/postgres/postgres-pool';
import { migrate } from '../../src/infrastructure/postgres/postgres-migrations';
import { TEST_DATABASE_URL, freshDatabase, freshPostgres } from '../support/postgres';
import { skipWithoutServer } from '../support/sqlite';
import { appendClaimsContract } from './append-claims.contract';
import { blobStoreContract } from './blob-store.contract';
import { eventStoreContract } from './event-store.contract';
import { readStoreContract } from './read-store.contract';

/** A read store on a fresh database, closed and dropped after `test`. */
async function onFreshReadStore(prefix: string, test: (store: PostgresReadStore, pool: Pool) => Promise<void>): Promise<void> {
  const pg = await freshPostgres(prefix);
  const store = new PostgresReadStore(pg.pool);
  try {
    await test(store, pg.pool);
  } finally {
    await store.close();
    await pg.cleanup();
  }
}

if (TEST_DATABASE_URL) {
  eventStoreContract('postgres', async () => {
    const pg = await freshPostgres('es_contract');
    const store = new PostgresEventStore(pg.pool, new UpcasterRegistry(), { url: pg.url, pollIntervalMs: 1000 });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await pg.cleanup();
      },
    };
  });

  appendClaimsContract('postgres', async () => {
    const pg = await freshPostgres('claims_contract');
    const events = new PostgresEventStore(pg.pool, new UpcasterRegistry(), { url: pg.url, pollIntervalMs: 1000 });
    const reads = new PostgresReadStore(pg.pool);
    events.writeClaimsTo(reads);
    return {
      events,
      reads,
      cleanup: async () => {
        await events.close();
        await pg.cleanup();
      },
    };
  });

  readStoreContract('postgres', async () => {
    const pg = await freshPostgres('rs_contract');
    const store = new PostgresReadStore(pg.pool);
    return {
      store,
      cleanup: async () => {
        await store.close();
        await pg.cleanup();
      },
    };
  });

  describe('PostgreSQL read store: round trips of a batch', () => {
    it('writes a fenced batch over several collections in one statement, and one touching a table twice in a transaction', async () => {
      await onFreshReadStore('rs_trips', async (store, pool) => {
        expect(await store.acquireLease('trips', 'leader', 60_000)).toBe(true);
        const fence = { lease: 'trips', owner: 'leader' };
        // Tables created first: their creation is not what is counted.
        await store.batch([
          { kind: 'upsert', collection: 'trips_a', id: 'x', doc: { v: 0 } },
          { kind: 'upsert', collection: 'trips_b', id: 'x', doc: { v: 0 } },
          { kind: 'upsert', collection: 'trips_c', id: 'x', doc: { v: 0 } },
        ]);
        const sent: string[] = [];
        const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
        const connect = pool.connect.bind(pool);
        let inQuery = false;
        (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
          sent.push(String(args[0]));
          inQuery = true;
          try {
            return query(...args);
          } finally {
            inQuery = false;
          }
        };
        // A transaction checks a client out itself (no callback); pool.query's own checkout is not counted.
        (pool as unknown as { connect: (...args: unknown[]) => unknown }).connect = (...args: unknown[]) => {
          if (args.length === 0 && !inQuery) sent.push('connect');
          return (connect as (...a: unknown[]) => unknown)(...args);
        };
        await store.batch(
          [
            { kind: 'upsert', collection: 'trips_a', id: 'a', doc: { v: 1 } },
            { kind: 'upsert', collection: 'trips_b', id: 'a', doc: { v: 1 } },
            { kind: 'delete', collection: 'trips_c', id: 'x' },
          ],
          { name: 'trips_cp', position: 1, fence },
        );
        expect(sent).toHaveLength(1);
        expect(sent[0]).toMatch(/^WITH fence AS/);
        sent.length = 0;
        await store.batch([{ kind: 'upsert', collection: 'trips_a', id: 'b', doc: { v: 2 } }, { kind: 'delete', collection: 'trips_a', id: 'b' }], { name: 'trips_cp', position: 2, fence });
        expect(sent).toEqual(['connect']);
        expect(await store.get('trips_c', 'x')).toBeNull();
        expect(await store.get('trips_b', 'a')).toEqual({ v: 1 });
        expect(await store.get('trips_a', 'b')).toBeNull();
        expect(await store.getCheckpoint('trips_cp')).toBe(2);
      });
    });
  });

  describe('PostgreSQL read store: lookups of one turn', () => {
    it('answers the gets and getManys issued together with one statement, each with its own documents', async () => {
      await onFreshReadStore('rs_lookups', async (store, pool) => {
        await store.batch([
          { kind: 'upsert', collection: 'look_a', id: 'a1', doc: { v: 'a1' } },
          { kind: 'upsert', collection: 'look_a', id: 'a2', doc: { v: 'a2' } },
          { kind: 'upsert', collection: 'look_b', id: 'b1', doc: { v: 'b1' } },
        ]);
        const sent: string[] = [];
        const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
        (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
          sent.push(String(args[0]));
          return query(...args);
        };
        const [a1, a2, manyA, manyB, none] = await Promise.all([
          store.get('look_a', 'a1'),
          store.get('look_a', 'a2'),
          store.getMany('look_a', ['a2', 'a3']),
          store.getMany('look_b', ['b1', 'a1']),
          store.get('look_b', 'zz'),
        ]);
        expect(sent).toHaveLength(1);
        expect([a1, a2, none]).toEqual([{ v: 'a1' }, { v: 'a2' }, null]);
        expect([...manyA]).toEqual([['a2', { v: 'a2' }]]);
        expect([...manyB]).toEqual([['b1', { v: 'b1' }]]);
        // Two callers asking for one document each get their own copy.
        expect(manyA.get('a2')).toEqual(a2);
        expect(manyA.get('a2')).not.toBe(a2);
        // A collection nobody wrote yet reads as empty, and does not fail the lookups beside it.
        const [missing, b1] = await Promise.all([store.getMany('look_never', ['x']), store.get('look_b', 'b1')]);
        expect(missing.size).toBe(0);
        expect(b1).toEqual({ v: 'b1' });
      });
    });
  });

  describe('PostgreSQL read store: a collection nobody wrote yet', () => {
    it('reads as empty without closing the connection that asked (no new connection per read)', async () => {
      await onFreshReadStore('rs_missing', async (store, pool) => {
        await store.get('warm', 'x');
        let connected = 0;
        pool.on('connect', () => (connected += 1));
        for (let i = 0; i < 20; i++) {
          expect(await store.get('never_written', `id-${i}`)).toBeNull();
          expect((await store.getMany('never_written', ['a', 'b'])).size).toBe(0);
          expect((await store.find('never_written')).items).toEqual([]);
          expect(await store.count('never_written')).toBe(0);
        }
        expect(connected).toBe(0);
      });
    });
  });

  describe('PostgreSQL: statements and storage', () => {
    /** The statements prepared on the pool's one connection. */
    const prepared = async (pool: Pool) => (await pool.query<{ statement: string }>("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'flywheel\\_%'", [])).rows.map((r) => r.statement);

    it('prepares a statement the pool runs often on each connection, once; not when told not to', async () => {
      for (const preparedStatements of [true, false]) {
        const db = await freshDatabase('stmt_names');
        const pool = await openPostgres(db.url, { max: 1, preparedStatements });
        try {
          const store = new PostgresReadStore(pool);
          await store.upsert('things', 'a', { n: 1 });
          for (let i = 0; i < 5; i++) await store.batch([{ kind: 'upsert', collection: 'things', id: `t${i}`, doc: { n: i } }]);
          expect(await store.count('things')).toBe(6);
          const statements = await prepared(pool);
          if (preparedStatements) expect(statements.filter((t) => t.includes('INSERT INTO rm_things'))).toHaveLength(1);
          else expect(statements).toEqual([]);
          await store.close();
        } finally {
          await pool.end();
          await db.drop();
        }
      }
    });

    it('names a text on its third use, and at most as many texts as allowed', () => {
      const names = new StatementNames(2, 3);
      expect([names.nameOf('a'), names.nameOf('a')]).toEqual([undefined, undefined]);
      const a = names.nameOf('a');
      expect(a).toMatch(/^flywheel_[0-9a-f]{24}$/);
      expect(names.nameOf('a')).toBe(a);
      for (let i = 0; i < 3; i++) names.nameOf('b');
      for (let i = 0; i < 5; i++) expect(names.nameOf('c')).toBeUndefined();
      expect(names.size).toBe(2);
    });

    it('keeps read-model documents up to a page uncompressed, in new tables and, after the migration, in older ones', async () => {
      await onFreshReadStore('rm_storage', async (store, pool) => {
        const big = { text: 'x'.repeat(4000) };
        await store.upsert('fresh', 'a', big);
        const options = async (name: string) => (await pool.query<{ o: string[] | null }>('SELECT reloptions AS o FROM pg_class WHERE relname = $1', [name])).rows[0].o;
        expect(await options('rm_fresh')).toEqual(['toast_tuple_target=8160']);
        // Stored as written: 4 kB of one repeated letter would compress to almost nothing.
        expect((await pool.query<{ n: number }>("SELECT pg_column_size(doc) AS n FROM rm_fresh WHERE id = 'a'", [])).rows[0].n).toBeGreaterThan(4000);
        await pool.query('CREATE TABLE rm_older (id text PRIMARY KEY, doc jsonb NOT NULL)');
        await pool.query('DELETE FROM schema_migrations WHERE version = 5');
        expect(await migrate(pool)).toEqual([5]);
        expect(await options('rm_older')).toEqual(['toast_tuple_target=8160']);
        expect(await options('events')).toBeNull();
      });
    });
  });

  describe('BlobStore contract: postgres', () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const c of cleanups) await c();
    });
    blobStoreContract(async () => {
      const pg = await freshPostgres('blob_contract');
      cleanups.push(pg.cleanup);
      return new PostgresBlobStore(pg.pool);
    });
  });
} else {
  skipWithoutServer('Store contracts: postgres', 'TEST_DATABASE_URL');
}

import { Pool } from 'pg';
import { UpcasterRegistry } from '../../src/domain/shared/upcasting';
import { PostgresEventStore } from '../../src/infrastructure/postgres/postgres-event-store';
import { TEST_DATABASE_URL, freshPostgres } from '../support/postgres';
import { skipWithoutServer } from '../support/sqlite';
import { newEvent } from './event-store.contract';

jest.setTimeout(120_000);

/**
 * Transactions commit out of sequence order: a reader that trusts a plain sequence can see
 * position 11 before 10 commits and never come back for 10. Writers here are separate pools
 * (as separate instances would be), each group-committing; a subscriber reads in small pages
 * the whole time and must end up with exactly the log, in order.
 */
if (TEST_DATABASE_URL) {
  describe('PostgreSQL event store under concurrent appends', () => {
    it('never lets a reader skip an event: the subscriber sees every committed event, in position order', async () => {
      const pg = await freshPostgres('es_ordering');
      const pools = Array.from({ length: 4 }, () => new Pool({ connectionString: pg.url, max: 4 }));
      const writers = pools.map((pool) => new PostgresEventStore(pool, new UpcasterRegistry(), { maxBatch: 5 }));
      const reader = new PostgresEventStore(pg.pool, new UpcasterRegistry(), { url: pg.url, pollIntervalMs: 5 });
      const abort = new AbortController();
      const seen: number[] = [];
      const total = 4 * 300;
      const consuming = (async () => {
        for await (const e of reader.subscribeAll({ signal: abort.signal, batchSize: 3 })) {
          seen.push(e.position);
          if (seen.length === total) abort.abort();
        }
      })();
      try {
        await Promise.all(
          writers.map(async (store, w) => {
            for (let wave = 0; wave < 30; wave++) {
              await Promise.all(Array.from({ length: 10 }, (_, i) => store.append(`order-${w}-${wave}-${i}`, [newEvent('Appended', { w, wave, i })], 'no_stream')));
            }
          }),
        );
        const deadline = Date.now() + 30_000;
        while (seen.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        abort.abort();
        await consuming;
        const log = (await reader.readAll({ limit: 10_000 })).map((e) => e.position);
        expect(log).toHaveLength(total);
        expect(seen).toEqual(log);
      } finally {
        abort.abort();
        await reader.close();
        for (const w of writers) await w.close();
        for (const p of pools) await p.end();
        await pg.cleanup();
      }
    });
  });
} else {
  skipWithoutServer('PostgreSQL event store under concurrent appends', 'TEST_DATABASE_URL');
}

import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { SqliteReadStore } from '../../src/infrastructure/read-store/sqlite-read-store';
import { tempSqlite } from '../support/sqlite';

/**
 * What a write costs the disk on the SQLite file: every page a transaction changes is written to
 * the WAL whole (and fsynced). Read models gain documents under random ids (corrections, predictions,
 * idempotency keys); a table that kept each document inside its id's B-tree leaf inserted every new
 * one at a random place, splitting leaves of a few documents each, where a rowid table appends the
 * document at its end and puts only the short id into a random leaf of its index.
 */
describe('SQLite read store: pages written per new document', () => {
  const FRAME = 24 + 4096;

  async function framesFor(write: (store: SqliteReadStore, batch: number) => Promise<void>, batches: number): Promise<number> {
    const { db, remove } = tempSqlite('rs-pages-');
    try {
      db.pragma('wal_autocheckpoint = 0');
      const store = new SqliteReadStore(db);
      await write(store, -1);
      const before = statSync(`${db.name}-wal`).size;
      for (let b = 0; b < batches; b++) await write(store, b);
      const after = statSync(`${db.name}-wal`).size;
      await store.close();
      return (after - before) / FRAME / batches;
    } finally {
      remove();
    }
  }

  // A correction's document is about 320 bytes.
  const doc = (i: number) => ({ reading: `reading-${i % 100}`, position: i, text: 'x'.repeat(220) });

  it('appends new documents under random ids: fewer pages per five-document commit than leaf inserts', async () => {
    let n = 0;
    // 2,000 documents first, then 200 commits of five fresh ones each.
    const perCommit = await framesFor(async (store, batch) => {
      const size = batch < 0 ? 2000 : 5;
      await store.batch(Array.from({ length: size }, () => ({ kind: 'upsert' as const, collection: 'pages_docs', id: randomUUID(), doc: doc(n++) })));
    }, 200);
    // Measured: 11.4-11.6 pages per commit with each document in its id's leaf (WITHOUT ROWID),
    // 8.0-8.2 as a rowid table (its last page, up to five leaves of the id index, their splits,
    // the header page).
    expect(perCommit).toBeLessThan(9.5);
  });
});

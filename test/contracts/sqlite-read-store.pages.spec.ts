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

  // A correction's document is about 320 bytes.
  const doc = (i: number) => ({ reading: `reading-${i % 100}`, position: i, text: 'x'.repeat(220) });

  /** WAL pages per commit of `size` fresh documents under random ids, after `existing` stored ones. */
  async function pagesPerCommit(existing: number, commits: number, size: number): Promise<number> {
    const { db, remove } = tempSqlite('rs-pages-');
    try {
      db.pragma('wal_autocheckpoint = 0');
      const store = new SqliteReadStore(db);
      let n = 0;
      const write = (count: number) => store.batch(Array.from({ length: count }, () => ({ kind: 'upsert' as const, collection: 'pages_docs', id: randomUUID(), doc: doc(n++) })));
      await write(existing);
      const before = statSync(`${db.name}-wal`).size;
      for (let c = 0; c < commits; c++) await write(size);
      const after = statSync(`${db.name}-wal`).size;
      await store.close();
      return (after - before) / FRAME / commits;
    } finally {
      remove();
    }
  }

  it('appends new documents under random ids: fewer pages per five-document commit than leaf inserts', async () => {
    // 2,000 documents first, then 200 commits of five fresh ones each.
    const perCommit = await pagesPerCommit(2000, 200, 5);
    // Measured: 11.4-11.6 pages per commit with each document in its id's leaf (WITHOUT ROWID),
    // 8.0-8.2 as a rowid table (its last page, up to five leaves of the id index, their splits,
    // the header page).
    expect(perCommit).toBeLessThan(9.5);
  });
});

import { readFileSync, statSync } from 'node:fs';
import { SqliteWriter } from '../../src/infrastructure/sqlite/sqlite-writer';
import { WRITER_CHECKPOINT_BACKSTOP } from '../../src/infrastructure/sqlite/sqlite-writer.protocol';
import { tempSqlite } from '../support/sqlite';

/**
 * The WAL's frames and how many of them are copied into the database file, read from the WAL
 * index (the -shm file) without taking a lock or checkpointing: `mxFrame` is at byte 16 of its
 * header, `nBackfill` at byte 96 (the first field after the header's two copies).
 */
function walIndex(file: string): { frames: number; backfilled: number } {
  const shm = readFileSync(`${file}-shm`);
  return { frames: shm.readUInt32LE(16), backfilled: shm.readUInt32LE(96) };
}

const PAGE = 4096;
/** A row of a page or more, so each insert adds at least one WAL frame. */
const row = (i: number) => ({ sql: 'INSERT INTO blobs (id, doc) VALUES (?, ?)', params: [`r-${i}`, 'x'.repeat(PAGE)] });

async function writeRows(writer: SqliteWriter, from: number, count: number): Promise<void> {
  // Groups of 25 inserts, one statement list per write, 10 writes in flight.
  const writes: Promise<unknown>[] = [];
  for (let i = from; i < from + count; i += 25) {
    writes.push(writer.submit({ kind: 'run', statements: Array.from({ length: Math.min(25, from + count - i) }, (_, k) => row(i + k)) }));
    if (writes.length >= 10) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

/**
 * A checkpoint (copying the WAL into the database file, then syncing it) takes milliseconds. Run
 * by the writer's own commit, as SQLite does every 1,000 pages by default, it held up every write
 * queued behind that commit, and the server's main thread sat idle waiting for them. The writer
 * thread leaves checkpoints to a thread of their own.
 */
describe('SQLite writer: checkpoints run beside the writer, not in its commits', () => {
  it('the writer thread commits 3,000 pages without checkpointing', async () => {
    const { db, remove } = tempSqlite('ckpt-writer-');
    db.exec('CREATE TABLE blobs (id TEXT PRIMARY KEY, doc TEXT NOT NULL)');
    // The checkpointer's first run is an hour away: only the writer's own commits could checkpoint.
    const writer = new SqliteWriter({ file: db.name, synchronous: 'FULL', maxGroup: 1000, checkpointMs: 3_600_000 });
    try {
      await writeRows(writer, 0, 3000);
      const { frames, backfilled } = walIndex(db.name);
      expect(frames).toBeGreaterThanOrEqual(3000);
      expect(backfilled).toBe(0);
      expect((db.prepare('SELECT COUNT(*) AS n FROM blobs').get() as { n: number }).n).toBe(3000);
    } finally {
      await writer.close();
      remove();
    }
  });

  it('the checkpointer copies what the writer committed, and the WAL restarts instead of growing', async () => {
    const { db, remove } = tempSqlite('ckpt-thread-');
    db.exec('CREATE TABLE blobs (id TEXT PRIMARY KEY, doc TEXT NOT NULL)');
    const writer = new SqliteWriter({ file: db.name, synchronous: 'FULL', maxGroup: 1000, checkpointMs: 50 });
    try {
      // 300 pages: below SQLite's own threshold of 1,000, so only the checkpointer copies them.
      await writeRows(writer, 0, 300);
      const before = walIndex(db.name);
      expect(before.frames).toBeGreaterThanOrEqual(300);
      expect(await until(() => { const w = walIndex(db.name); return w.backfilled === w.frames; }, 5000)).toBe(true);
      // Ten more rounds of 300 pages: each starts the WAL over once the last was copied, so the
      // file never holds more than a few rounds although 3,300 pages were written in all.
      for (let round = 1; round <= 10; round++) {
        await writeRows(writer, round * 300, 300);
        expect(await until(() => { const w = walIndex(db.name); return w.backfilled === w.frames; }, 5000)).toBe(true);
      }
      expect(statSync(`${db.name}-wal`).size).toBeLessThan(1000 * (PAGE + 24));
      expect((db.prepare('SELECT COUNT(*) AS n FROM blobs').get() as { n: number }).n).toBe(3300);
    } finally {
      await writer.close();
      remove();
    }
  });

  it('under writes that never pause, the WAL stays within the backstop and every row is kept', async () => {
    const { db, remove } = tempSqlite('ckpt-busy-');
    db.exec('CREATE TABLE blobs (id TEXT PRIMARY KEY, doc TEXT NOT NULL)');
    const writer = new SqliteWriter({ file: db.name, synchronous: 'FULL', maxGroup: 1000, checkpointMs: 50 });
    try {
      // The checkpointer copies frames while the writer adds more, so the WAL cannot start over
      // between its runs; past the backstop the writer checkpoints the last uncopied frames itself.
      let largest = 0;
      for (let i = 0; i < 15_000; i += 1000) {
        await writeRows(writer, i, 1000);
        const { frames, backfilled } = walIndex(db.name);
        largest = Math.max(largest, frames);
        expect(backfilled).toBeLessThanOrEqual(frames);
      }
      expect(largest).toBeLessThanOrEqual(WRITER_CHECKPOINT_BACKSTOP + 1000);
      expect(statSync(`${db.name}-wal`).size).toBeLessThanOrEqual((WRITER_CHECKPOINT_BACKSTOP + 1000) * (PAGE + 24) + 32);
      expect((db.prepare('SELECT COUNT(*) AS n FROM blobs').get() as { n: number }).n).toBe(15_000);
    } finally {
      await writer.close();
      remove();
    }
  });

  it('closing the writer closes its checkpointer: nothing is left running', async () => {
    const { db, remove } = tempSqlite('ckpt-close-');
    db.exec('CREATE TABLE blobs (id TEXT PRIMARY KEY, doc TEXT NOT NULL)');
    const writer = new SqliteWriter({ file: db.name, synchronous: 'FULL', maxGroup: 1000, checkpointMs: 10 });
    try {
      await writeRows(writer, 0, 100);
      expect(writer.threads()).toBe(2);
      await writer.close();
      expect(writer.threads()).toBe(0);
    } finally {
      remove();
    }
  });
});

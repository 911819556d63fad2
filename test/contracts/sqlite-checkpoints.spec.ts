import { readFileSync, statSync } from 'node:fs';
import { SqliteHandle } from '../../src/infrastructure/sqlite/sqlite-database';
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

/** A writer (and its checkpointer) on a fresh file with a `blobs` table, closed and removed after `body`. */
async function withWriter(prefix: string, checkpointMs: number, body: (writer: SqliteWriter, db: SqliteHandle) => Promise<void>): Promise<void> {
  const { db, remove } = tempSqlite(prefix);
  db.exec('CREATE TABLE blobs (id TEXT PRIMARY KEY, doc TEXT NOT NULL)');
  const writer = new SqliteWriter({ file: db.name, synchronous: 'FULL', maxGroup: 1000, checkpointMs });
  try {
    await body(writer, db);
  } finally {
    await writer.close();
    remove();
  }
}

const rows = (db: SqliteHandle) => (db.prepare('SELECT COUNT(*) AS n FROM blobs').get() as { n: number }).n;

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
  const copied = (file: string) => () => {
    const { frames, backfilled } = walIndex(file);
    return backfilled === frames;
  };

  it('the writer thread commits 3,000 pages without checkpointing', () =>
    // The checkpointer's first run is an hour away: only the writer's own commits could checkpoint.
    withWriter('ckpt-writer-', 3_600_000, async (writer, db) => {
      await writeRows(writer, 0, 3000);
      const { frames, backfilled } = walIndex(db.name);
      expect(frames).toBeGreaterThanOrEqual(3000);
      expect(backfilled).toBe(0);
      expect(rows(db)).toBe(3000);
    }));

  it('the checkpointer copies what the writer committed, and the WAL restarts instead of growing', () =>
    withWriter('ckpt-thread-', 50, async (writer, db) => {
      // 300 pages: below SQLite's own threshold of 1,000, so only the checkpointer copies them.
      await writeRows(writer, 0, 300);
      expect(walIndex(db.name).frames).toBeGreaterThanOrEqual(300);
      expect(await until(copied(db.name), 5000)).toBe(true);
      // Ten more rounds of 300 pages: each starts the WAL over once the last was copied, so the
      // file never holds more than a few rounds although 3,300 pages were written in all.
      for (let round = 1; round <= 10; round++) {
        await writeRows(writer, round * 300, 300);
        expect(await until(copied(db.name), 5000)).toBe(true);
      }
      expect(statSync(`${db.name}-wal`).size).toBeLessThan(1000 * (PAGE + 24));
      expect(rows(db)).toBe(3300);
    }));

  it('under writes that never pause, the WAL stays within the backstop and every row is kept', () =>
    withWriter('ckpt-busy-', 50, async (writer, db) => {
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
      expect(rows(db)).toBe(15_000);
    }));

  it('closing the writer closes its checkpointer: nothing is left running', () =>
    withWriter('ckpt-close-', 10, async (writer) => {
      await writeRows(writer, 0, 100);
      expect(writer.threads()).toBe(2);
      await writer.close();
      expect(writer.threads()).toBe(0);
    }));
});

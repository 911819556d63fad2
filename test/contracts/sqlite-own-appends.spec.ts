import { UpcasterRegistry } from '../../src/domain/shared/upcasting';
import { RecordedEvent } from '../../src/domain/shared/events';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { openSqlite } from '../../src/infrastructure/sqlite/sqlite-database';
import { tempSqlite } from '../support/sqlite';
import { newEvent } from './event-store.contract';

/** Collects what a subscription delivers until `count` events arrived. */
async function collect(store: SqliteEventStore, count: number, signal: AbortSignal): Promise<RecordedEvent[]> {
  const seen: RecordedEvent[] = [];
  for await (const event of store.subscribeAll({ after: 0, signal, batchSize: 7 })) {
    seen.push(event);
    if (seen.length === count) break;
  }
  return seen;
}

/**
 * A subscription takes the events its own process appended as they were recorded (it does not
 * read them back): they must be exactly what a read of the log returns, in position order, and
 * events appended by another process on the same file are read from it, none skipped.
 */
describe('SQLite event store: a subscription takes its own appends as recorded', () => {
  it('delivers its own appends in order, equal to what a read of the log decodes, without reading them back', async () => {
    const { db, remove } = tempSqlite('own-appends-');
    // Woken by its own appends only (no poll for other processes' appends, which reads the file).
    const store = new SqliteEventStore(db, new UpcasterRegistry(), { pollIntervalMs: 60_000 });
    const abort = new AbortController();
    try {
      const delivered = collect(store, 300, abort.signal);
      // Concurrent appends to many streams and several to one stream, some of two events.
      for (let round = 0; round < 10; round++) {
        await Promise.all([
          ...Array.from({ length: 20 }, (_, i) => store.append(`s-${round}-${i}`, [newEvent('A', { round, i, nested: { list: [1, 'two', null], flag: true } })], 'no_stream')),
          store.append(`pair-${round}`, [newEvent('B', { n: 1 }), newEvent('C', { n: 2, text: 'é "quoted"' })], 'no_stream'),
        ]);
        for (let k = 0; k < 8; k++) await store.append('hot', [newEvent('H', { round, k })], 'any');
      }
      const seen = await delivered;
      const log = await store.readAll({ after: 0, limit: 1000 });
      expect(log).toHaveLength(300);
      expect(seen).toStrictEqual(log);
      const stats = store.subscriptionStats();
      expect(stats.recorded + stats.read).toBe(300);
      process.stdout.write(`own appends: ${stats.recorded} of 300 taken as recorded, ${stats.read} read back\n`);
      // Each group is kept when its message arrives, before any of its answers: none is read back.
      expect(stats.recorded).toBe(300);
    } finally {
      abort.abort();
      await store.close();
      remove();
    }
  });

  it('reads the appends of another process from the file, interleaved with its own, none skipped', async () => {
    const { db, remove } = tempSqlite('own-appends-two-');
    const mine = new SqliteEventStore(db, new UpcasterRegistry(), { pollIntervalMs: 10 });
    const otherDb = openSqlite({ file: db.name });
    const other = new SqliteEventStore(otherDb, new UpcasterRegistry());
    const abort = new AbortController();
    try {
      const delivered = collect(mine, 120, abort.signal);
      for (let i = 0; i < 30; i++) {
        await Promise.all([mine.append(`m-${i}`, [newEvent('M', { i })], 'no_stream'), other.append(`o-${i}`, [newEvent('O', { i })], 'no_stream')]);
        await mine.append(`m2-${i}`, [newEvent('M', { i, second: true })], 'no_stream');
        await other.append(`o2-${i}`, [newEvent('O', { i, second: true })], 'no_stream');
      }
      const seen = await delivered;
      const log = await mine.readAll({ after: 0, limit: 1000 });
      expect(seen).toStrictEqual(log);
      expect(seen.map((e) => e.position)).toEqual(log.map((_, i) => i + 1));
      const stats = mine.subscriptionStats();
      // Every event of the other process was read from the file.
      expect(stats.read).toBeGreaterThanOrEqual(60);
      expect(stats.recorded).toBeGreaterThan(0);
    } finally {
      abort.abort();
      await other.close();
      otherDb.close();
      await mine.close();
      remove();
    }
  });
});

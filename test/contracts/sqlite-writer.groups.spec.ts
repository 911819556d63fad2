import { UpcasterRegistry } from '../../src/domain/shared/upcasting';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { tempSqlite } from '../support/sqlite';
import { newEvent } from './event-store.contract';

/**
 * Clients that each append again as soon as their last append is acknowledged: the appends set off
 * by one group's replies travel to the writer in messages of 16 (so it commits the first while the
 * rest are prepared) and commit in groups of whole messages, never trickling in one by one.
 */
describe('SQLite writer: appends set off together commit together', () => {
  it('50 clients appending 10 times each need at most one group per message of 16', async () => {
    const { db, remove } = tempSqlite('es-groups-');
    const store = new SqliteEventStore(db, new UpcasterRegistry());
    const rounds = 10;
    try {
      await store.append('warm-up', [newEvent('A', {})], 'no_stream');
      await Promise.all(
        Array.from({ length: 50 }, async (_, c) => {
          for (let i = 0; i < rounds; i++) await store.append(`client-${c}`, [newEvent('A', { i })], i === 0 ? 'no_stream' : i - 1);
        }),
      );
      const stats = store.writerStats();
      expect(stats?.operations).toBe(1 + 50 * rounds);
      // 50 appends a round: messages of 16, 16, 16 and 2; the writer merges those that arrive while it commits.
      expect(stats?.groups).toBeLessThanOrEqual(1 + rounds * 4);
      expect(stats?.largestGroup).toBeGreaterThanOrEqual(16);
      for (let c = 0; c < 50; c++) expect((await store.readStream(`client-${c}`)).map((e) => e.data.i)).toEqual([...Array(rounds).keys()]);
    } finally {
      await store.close();
      remove();
    }
  });
});

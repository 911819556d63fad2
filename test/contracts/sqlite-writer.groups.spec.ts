import { UpcasterRegistry } from '../../src/domain/shared/upcasting';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { tempSqlite } from '../support/sqlite';
import { newEvent } from './event-store.contract';

/**
 * Clients that each append again as soon as their last append is acknowledged: the appends set off
 * by one group's replies must travel to the writer together and commit as one group, not split
 * into a first group of early arrivals and a second of the rest.
 */
describe('SQLite writer: appends set off together commit together', () => {
  it('50 clients appending 10 times each need about one group per round', async () => {
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
      expect(stats?.groups).toBeLessThanOrEqual(1 + rounds + 2);
      for (let c = 0; c < 50; c++) expect((await store.readStream(`client-${c}`)).map((e) => e.data.i)).toEqual([...Array(rounds).keys()]);
    } finally {
      await store.close();
      remove();
    }
  });
});

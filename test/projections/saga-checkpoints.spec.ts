import { UpcasterRegistry } from '../../src/domain/shared/upcasting';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { SqliteReadStore } from '../../src/infrastructure/read-store/sqlite-read-store';
import { Checkpoint, WriteOp } from '../../src/ports/read-store.port';
import { Saga, SagaRunner } from '../../src/runtime/saga-runner';
import { SharedLog } from '../../src/runtime/shared-log';
import { tempSqlite } from '../support/sqlite';
import { newEvent } from '../contracts/event-store.contract';

/** The SQLite read store, counting the checkpoint writes of each name. */
class CountingReadStore extends SqliteReadStore {
  readonly writes = new Map<string, number>();
  override async batch(ops: readonly WriteOp[], checkpoint?: Checkpoint): Promise<void> {
    if (checkpoint) this.writes.set(checkpoint.name, (this.writes.get(checkpoint.name) ?? 0) + 1);
    await super.batch(ops, checkpoint);
  }
}

/**
 * A saga stores its checkpoint once per batch of events it handled (and at least every second
 * during a long one), not once per event: a replay after a crash re-sends commands with the same
 * ids, which append nothing.
 */
describe('saga checkpoints', () => {
  it('looks every handled event up in a parking lot that exists: no catalog query per event', async () => {
    const { db, remove } = tempSqlite('saga-lot-');
    const events = new SqliteEventStore(db, new UpcasterRegistry(), { pollIntervalMs: 5 });
    const reads = new SqliteReadStore(db);
    // Each lookup in a collection not created yet asked sqlite_master whether it exists, again and again.
    const exists = jest.spyOn(reads as unknown as { exists: (c: string) => boolean }, 'exists');
    const log = new SharedLog(events);
    const sagas = new SagaRunner(events, reads, { log });
    try {
      sagas.register({ name: 'alarms', eventTypes: ['Alarmed'], handle: async () => undefined });
      await sagas.start();
      for (let n = 0; n < 50; n++) await events.append(`alarm-${n}`, [newEvent('Alarmed', { n })], 'no_stream');
      expect(await sagas.waitFor(await events.headPosition())).toBe(true);
      const missing = exists.mock.results.filter((r) => r.value === false).length;
      expect(exists.mock.calls.length).toBeGreaterThanOrEqual(100);
      expect(missing).toBe(0);
    } finally {
      await sagas.stop();
      await log.stop();
      await events.close();
      remove();
    }
  });

  it('stores the checkpoint once for a batch of handled events, and a restart resumes after them', async () => {
    const { db, remove } = tempSqlite('saga-cp-');
    const events = new SqliteEventStore(db, new UpcasterRegistry(), { pollIntervalMs: 5 });
    const reads = new CountingReadStore(db);
    try {
      for (let n = 0; n < 50; n++) await events.append(`alarm-${n}`, [newEvent('Alarmed', { n })], 'no_stream');
      const head = await events.headPosition();
      const seen: number[] = [];
      const saga: Saga = { name: 'alarms', eventTypes: ['Alarmed'], handle: async (e) => void seen.push(Number(e.data.n)) };
      const run = async () => {
        const log = new SharedLog(events);
        const sagas = new SagaRunner(events, reads, { log });
        sagas.register(saga);
        await sagas.start();
        expect(await sagas.waitFor(head)).toBe(true);
        await sagas.stop();
        await log.stop();
      };
      await run();
      expect(seen).toHaveLength(50);
      expect(await reads.getCheckpoint('saga:alarms')).toBe(head);
      expect(reads.writes.get('saga:alarms')).toBeLessThanOrEqual(2);
      await run();
      expect(seen).toHaveLength(50);
    } finally {
      await events.close();
      remove();
    }
  });

  it('does not store its checkpoint for events of other types it skipped live, until it stops', async () => {
    const { db, remove } = tempSqlite('saga-cp-skip-');
    const events = new SqliteEventStore(db, new UpcasterRegistry(), { pollIntervalMs: 5 });
    const reads = new CountingReadStore(db);
    const log = new SharedLog(events);
    const sagas = new SagaRunner(events, reads, { log });
    try {
      sagas.register({ name: 'alarms', eventTypes: ['Alarmed'], handle: async () => undefined });
      await sagas.start();
      for (let n = 0; n < 20; n++) {
        await events.append(`other-${n}`, [newEvent('Deposited', { n })], 'no_stream');
        expect(await sagas.waitFor(await events.headPosition())).toBe(true);
      }
      expect(reads.writes.get('saga:alarms') ?? 0).toBe(0);
      await sagas.stop();
      // Stopping stores where it got to.
      expect(await reads.getCheckpoint('saga:alarms')).toBe(await events.headPosition());
    } finally {
      await sagas.stop();
      await log.stop();
      await events.close();
      remove();
    }
  });
});

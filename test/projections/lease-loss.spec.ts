import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UpcasterRegistry } from '../../src/domain/shared/upcasting';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { SqliteReadStore } from '../../src/infrastructure/read-store/sqlite-read-store';
import { SqliteHandle, openSqlite } from '../../src/infrastructure/sqlite/sqlite-database';
import { documentProjection } from '../../src/runtime/projection';
import { ProjectionRunner, RUNNER_LEASE } from '../../src/runtime/projection-runner';
import { newEvent } from '../contracts/event-store.contract';

/** A runner that took the lease itself (the CLI's way) and loses it stops, and says so, instead of retrying fenced writes. */
describe('projection runner that loses its lease', () => {
  let dir: string;
  let db: SqliteHandle;
  let events: SqliteEventStore;
  let reads: SqliteReadStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lease-loss-'));
    db = openSqlite({ file: join(dir, 'flywheel.db'), synchronous: 'NORMAL' });
    events = new SqliteEventStore(db, new UpcasterRegistry(), { pollIntervalMs: 5 });
    reads = new SqliteReadStore(db);
  });
  afterEach(async () => {
    await events.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given a CLI runner leading, when another owner takes the lease, then it stops its tracks and reports the loss naming the holder', async () => {
    await events.append('account-1', [newEvent('Deposited', { account: 'a1', amount: 1 })], 'any');
    const runner = new ProjectionRunner(events, reads, { owner: 'cli-1', leaseTtlMs: 200 });
    runner.register(documentProjection<{ n: number }>({ name: 'counts', version: 1, collection: 'counts', eventTypes: ['Deposited'], key: () => 'all', evolve: (doc) => ({ n: (doc?.n ?? 0) + 1 }) }));
    await runner.start();
    expect(runner.leaseLost).toBeNull();
    await reads.releaseLease(RUNNER_LEASE, 'cli-1');
    expect(await reads.acquireLease(RUNNER_LEASE, 'server-2', 60_000)).toBe(true);
    for (let i = 0; i < 100 && runner.leaseLost === null; i++) await sleep(20);
    expect(runner.leaseLost).toMatch(/lease .*lost.*server-2/);
    await runner.stop();
    // The new holder's lease is untouched by the stopping runner.
    expect((await reads.leaseHolder(RUNNER_LEASE))?.owner).toBe('server-2');
  });
});

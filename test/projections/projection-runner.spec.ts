import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordedEvent } from '../../src/domain/shared/events';
import { UpcasterRegistry } from '../../src/domain/shared/upcasting';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { SqliteReadStore } from '../../src/infrastructure/read-store/sqlite-read-store';
import { SqliteHandle, openSqlite } from '../../src/infrastructure/sqlite/sqlite-database';
import { Projection, documentProjection } from '../../src/runtime/projection';
import { ProjectionRunner } from '../../src/runtime/projection-runner';
import { newEvent } from '../contracts/event-store.contract';

interface Counter extends Record<string, unknown> {
  account: string;
  total: number;
  count: number;
  version?: number;
}

/** A counter per account, named `name` and kept in `collection`. */
function counterProjection(version: number, name = 'counters', collection = 'counters'): Projection {
  return documentProjection<Counter>({
    name,
    version,
    collection,
    eventTypes: ['Deposited'],
    key: (e) => String(e.data.account),
    evolve: (doc, e: RecordedEvent) => ({
      account: String(e.data.account),
      total: (doc?.total ?? 0) + Number(e.data.amount),
      count: (doc?.count ?? 0) + 1,
      // Version 2 changes the shape: queries can tell which generation answered.
      ...(version >= 2 ? { version } : {}),
    }),
  });
}

describe('ProjectionRunner', () => {
  let dir: string;
  let db: SqliteHandle;
  let events: SqliteEventStore;
  let reads: SqliteReadStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-'));
    db = openSqlite({ file: join(dir, 'flywheel.db'), synchronous: 'NORMAL' });
    events = new SqliteEventStore(db, new UpcasterRegistry(), { pollIntervalMs: 10 });
    reads = new SqliteReadStore(db);
  });
  afterEach(async () => {
    await events.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const deposit = async (n: number, accounts = 7) => {
    for (let i = 0; i < n; i += 50) {
      const batch = Array.from({ length: Math.min(50, n - i) }, (_, j) => newEvent('Deposited', { account: `acc${(i + j) % accounts}`, amount: (i + j) % 13 }));
      await events.append(`bank-${i}`, batch, 'any');
      await events.append(`noise-${i}`, [newEvent('Ignored', { i })], 'any');
    }
  };

  const snapshot = async (runner: ProjectionRunner) => {
    const collection = await runner.catalog.collection('counters');
    const page = await reads.find<Counter>(collection, { sort: [['account', 1]], limit: 1000 });
    return page.items.map(({ _lastPosition: _p, ...rest }) => rest);
  };

  const runner = (version: number, batchSize = 64) => {
    const r = new ProjectionRunner(events, reads, { owner: `test-${Math.random()}`, batchSize, leaseTtlMs: 2000 });
    r.register(counterProjection(version));
    return r;
  };

  it('catches up before start resolves and keeps up with new events', async () => {
    await deposit(500);
    const r = runner(1);
    await r.start();
    const head = await events.headPosition();
    expect((await r.status())[0]).toMatchObject({ name: 'counters', checkpoint: head, lag: 0, status: 'live' });
    expect((await snapshot(r)).reduce((s, d) => s + d.count, 0)).toBe(500);
    await deposit(100);
    expect(await r.waitForPosition(await events.headPosition(), 5000)).toBe(true);
    expect((await snapshot(r)).reduce((s, d) => s + d.count, 0)).toBe(600);
    await r.stop();
  });

  it('a projection none of whose events occur keeps up live, stores its checkpoint every 1,000 events and never touches a document', async () => {
    const r = new ProjectionRunner(events, reads, { owner: 'idle', batchSize: 64, leaseTtlMs: 2000 });
    r.register(counterProjection(1));
    await r.start();
    const batch = jest.spyOn(reads, 'batch');
    const gets = jest.spyOn(reads, 'getMany');
    // 2,500 events live, one or a few at a time, none of them a deposit.
    for (let i = 0; i < 2500; i += 5) await events.append(`noise-live-${i}`, Array.from({ length: 5 }, (_, j) => newEvent('Ignored', { i: i + j })), 'any');
    const head = await events.headPosition();
    expect(await r.waitForPosition(head, 5000)).toBe(true);
    expect((await r.status())[0]).toMatchObject({ checkpoint: head, lag: 0, status: 'live' });
    // Stored past 1,000 and past 2,000 (and by the supervisor's flush every 500 ms on a slow run),
    // never with a document, and not per batch (about 500 of them).
    const batches = batch.mock.calls.map(([ops]) => ops.length);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(batches.length).toBeLessThan(20);
    expect(batches.every((ops) => ops === 0)).toBe(true);
    const stored = (await reads.getCheckpoint('projection:counters:v1_g1')) ?? 0;
    expect(head - stored).toBeLessThan(1000);
    expect(gets).not.toHaveBeenCalled();
    await r.stop();
  });

  it('after a stop between batches and a restart, equals a fresh rebuild', async () => {
    await deposit(2000);
    const first = runner(1, 37);
    const starting = first.start();
    // Stop it while it is mid-stream: some batches applied, others not.
    await new Promise((r) => setTimeout(r, 15));
    await first.stop();
    await starting.catch(() => undefined);
    const partial = (await reads.getCheckpoint('projection:counters:v1_g1')) ?? 0;
    expect(partial).toBeLessThanOrEqual(await events.headPosition());

    const resumed = runner(1, 37);
    await resumed.start();
    const afterResume = await snapshot(resumed);
    await resumed.requestRebuild('counters');
    await waitFor(async () => (await resumed.status())[0].status === 'live' && (await reads.get('projection_catalog', 'counters'))?.building === null);
    const rebuilt = await snapshot(resumed);
    expect((await resumed.status())[0].collections).toEqual(['counters__v1_g2']);
    expect(rebuilt).toEqual(afterResume);
    expect(rebuilt.reduce((s, d) => s + d.count, 0)).toBe(2000);
    await resumed.stop();
  });

  it('rebuilds blue/green on a version bump while queries keep answering from the old generation', async () => {
    await deposit(3000);
    const v1 = runner(1);
    await v1.start();
    const before = await snapshot(v1);
    await v1.stop();

    const v2 = runner(2, 16);
    const started = v2.start();
    // start() returns once the live (old) generation is caught up; the new one builds beside it.
    await started;
    const during = await snapshot(v2);
    const status = (await v2.status())[0];
    // The supervisor switches at most every 500 ms, so right after start the old generation serves.
    expect(status.status).toBe('rebuilding');
    expect(status.collections).toEqual(['counters__v1_g1']);
    expect(during).toEqual(before);
    await waitFor(async () => (await v2.status())[0].version === 2 && (await v2.status())[0].status === 'live');
    const after = await snapshot(v2);
    expect(after.map(({ version: _v, ...rest }) => rest)).toEqual(before);
    expect(after.every((d) => d.version === 2)).toBe(true);
    expect(await reads.listCollections()).not.toContain('counters__v1_g1');
    await v2.stop();
  });

  it('reads the documents a batch touches in one read per collection, never one by one, and each only once per run', async () => {
    await deposit(500);
    const calls = { get: 0, getMany: 0, ids: 0 };
    const get = reads.get.bind(reads);
    const getMany = reads.getMany.bind(reads);
    reads.get = (collection, id) => ((calls.get += collection.startsWith('counters') ? 1 : 0), get(collection, id));
    reads.getMany = (collection, ids) => {
      if (collection.startsWith('counters')) {
        calls.getMany += 1;
        calls.ids += ids.length;
      }
      return getMany(collection, ids);
    };
    const totals = new Map<string, { total: number; count: number }>();
    const add = (account: string, amount: number) => {
      const t = totals.get(account) ?? { total: 0, count: 0 };
      totals.set(account, { total: t.total + amount, count: t.count + 1 });
    };
    for (let k = 0; k < 500; k++) add(`acc${k % 7}`, k % 13);
    const expectTotals = async (r: ProjectionRunner) =>
      expect((await snapshot(r)).map((d) => [d.account, d.total, d.count])).toEqual([...totals].sort().map(([a, t]) => [a, t.total, t.count]));

    const r = runner(1, 64);
    await r.start();
    // 500 deposits and 10 noise events in batches of 64: the first batch reads the 7 accounts in
    // one read; the later batches find them as the batches before left them, in the track's memory.
    expect(calls).toEqual({ get: 0, getMany: 1, ids: 7 });
    await expectTotals(r);
    // Live: a new deposit is applied to the remembered document, and stored.
    await events.append('bank-live', [newEvent('Deposited', { account: 'acc0', amount: 5 })], 'any');
    add('acc0', 5);
    expect(await r.waitForPosition(await events.headPosition(), 5000)).toBe(true);
    expect(calls).toEqual({ get: 0, getMany: 1, ids: 7 });
    await expectTotals(r);
    await r.stop();

    // A new run (a new leadership term) trusts nothing remembered: it reads the documents again.
    await events.append('bank-more', [newEvent('Deposited', { account: 'acc1', amount: 2 })], 'any');
    add('acc1', 2);
    const again = runner(1, 64);
    await again.start();
    expect(calls).toEqual({ get: 0, getMany: 2, ids: 8 });
    await expectTotals(again);
    await again.stop();
  });

  it('writes nothing for an event that leaves its document as it was (evolve answers the same document)', async () => {
    const r = new ProjectionRunner(events, reads, { owner: `test-${Math.random()}`, batchSize: 64, leaseTtlMs: 2000 });
    r.register(
      documentProjection<Counter>({
        name: 'counters',
        version: 1,
        collection: 'counters',
        eventTypes: ['Deposited', 'Seen'],
        key: (e) => String(e.data.account),
        evolve: (doc, e) => (e.type === 'Seen' ? doc : { account: String(e.data.account), total: (doc?.total ?? 0) + Number(e.data.amount), count: (doc?.count ?? 0) + 1 }),
      }),
    );
    await events.append('bank-1', [newEvent('Deposited', { account: 'acc0', amount: 3 })], 'any');
    await r.start();
    const upserts: string[] = [];
    const batch = reads.batch.bind(reads);
    reads.batch = (ops, checkpoint) => {
      for (const op of ops) if (op.kind === 'upsert' && op.collection.startsWith('counters')) upserts.push(op.id);
      return batch(ops, checkpoint);
    };
    for (let i = 0; i < 5; i++) await events.append(`seen-${i}`, [newEvent('Seen', { account: 'acc0' })], 'any');
    expect(await r.waitForPosition(await events.headPosition(), 5000)).toBe(true);
    expect(upserts).toEqual([]);
    // The checkpoint still moved past them, and a real change is written as before.
    await events.append('bank-2', [newEvent('Deposited', { account: 'acc0', amount: 4 })], 'any');
    expect(await r.waitForPosition(await events.headPosition(), 5000)).toBe(true);
    expect(upserts).toEqual(['acc0']);
    expect((await snapshot(r)).map((d) => [d.account, d.total, d.count])).toEqual([['acc0', 7, 2]]);
    await r.stop();
  });

  it('lets only one runner hold the lease: a second waits until the first stops', async () => {
    await deposit(50);
    const a = runner(1);
    await a.start();
    const b = runner(1);
    let bStarted = false;
    const bStart = b.start().then(() => {
      bStarted = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(bStarted).toBe(false);
    await a.stop();
    await bStart;
    expect(bStarted).toBe(true);
    await b.stop();
  });

  it('does not report a position applied while a projection it leads is still being prepared (a takeover)', async () => {
    await deposit(20);
    const head = await events.headPosition();
    const other = counterProjection(1, 'late-counters', 'late_counters');
    // The second projection's stored checkpoint is read slowly: the first is prepared and caught up meanwhile.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const getCheckpoint = reads.getCheckpoint.bind(reads);
    reads.getCheckpoint = async (name: string) => {
      if (name.startsWith('projection:late-counters:')) await held;
      return getCheckpoint(name);
    };
    const runner = new ProjectionRunner(events, reads, { owner: 'takeover', batchSize: 100 });
    runner.register(counterProjection(1));
    runner.register(other);
    expect(await reads.acquireLease('projection-runner', 'takeover', 60_000)).toBe(true);
    const leading = runner.lead();
    try {
      while ((await runner.checkpointOf('counters')) < head) await new Promise((r) => setTimeout(r, 5));
      expect(await runner.waitForPosition(head, 100)).toBe(false);
      release();
      await leading;
      expect(await runner.waitForPosition(head, 5000)).toBe(true);
      expect((await reads.get<Counter>('late_counters__v1_g1', 'acc0'))?.count).toBeGreaterThan(0);
    } finally {
      release();
      await leading.catch(() => undefined);
      await runner.stop();
    }
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not met in time');
}

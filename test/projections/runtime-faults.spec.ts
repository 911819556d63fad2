import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ManualClock } from '../../src/domain/shared/clock';
import { NewEvent, RecordedEvent } from '../../src/domain/shared/events';
import { deterministicUuid } from '../../src/domain/shared/ids';
import { UpcasterRegistry } from '../../src/domain/shared/upcasting';
import { EventStore, SubscribeOptions } from '../../src/ports/event-store.port';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { Checkpoint, WriteOp } from '../../src/ports/read-store.port';
import { SqliteReadStore } from '../../src/infrastructure/read-store/sqlite-read-store';
import { SqliteHandle, openSqlite } from '../../src/infrastructure/sqlite/sqlite-database';
import { documentProjection } from '../../src/runtime/projection';
import { ProjectionRunner } from '../../src/runtime/projection-runner';
import { Saga, SagaRunner } from '../../src/runtime/saga-runner';
import { SharedLog } from '../../src/runtime/shared-log';
import { SupervisionPolicy } from '../../src/runtime/supervisor';
import { newEvent } from '../contracts/event-store.contract';

const FAST: SupervisionPolicy = { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20, decisionPollMs: 10 };

/** The real SQLite store, whose subscription the "server" closes every `every` events. */
class DroppingEventStore implements EventStore {
  readonly kind = 'sqlite-dropping';
  drops = 0;
  constructor(
    private readonly inner: EventStore,
    private readonly every: number,
  ) {}
  append(stream: string, events: readonly NewEvent[], expected: Parameters<EventStore['append']>[2], options?: Parameters<EventStore['append']>[3]) {
    return this.inner.append(stream, events, expected, options);
  }
  writesClaims() {
    return this.inner.writesClaims();
  }
  readStream(stream: string, options?: Parameters<EventStore['readStream']>[1]) {
    return this.inner.readStream(stream, options);
  }
  streamRevision(stream: string) {
    return this.inner.streamRevision(stream);
  }
  readAll(options?: Parameters<EventStore['readAll']>[0]) {
    return this.inner.readAll(options);
  }
  async *subscribeAll(options?: SubscribeOptions): AsyncIterable<RecordedEvent> {
    let n = 0;
    for await (const event of this.inner.subscribeAll(options)) {
      yield event;
      if (++n >= this.every) {
        this.drops += 1;
        throw new Error('connection reset by peer');
      }
    }
  }
  headPosition() {
    return this.inner.headPosition();
  }
  close() {
    return this.inner.close();
  }
}

/** The real read store, whose writes fail `failures` times (a full disk that recovers). */
class FlakyReadStore extends SqliteReadStore {
  failures = 0;
  override async batch(ops: readonly WriteOp[], checkpoint?: Checkpoint): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('SQLITE_FULL: database or disk is full');
    }
    return super.batch(ops, checkpoint);
  }
}

interface Total extends Record<string, unknown> {
  total: number;
}

const totals = (failOn: (e: RecordedEvent) => boolean) =>
  documentProjection<Total>({
    name: 'totals',
    version: 1,
    collection: 'totals',
    eventTypes: ['Deposited'],
    key: (e) => String(e.data.account),
    evolve: (doc, e) => {
      if (failOn(e)) throw new Error(`cannot apply deposit ${String(e.data.n)}`);
      return { total: (doc?.total ?? 0) + Number(e.data.amount) };
    },
  });

describe('runtime under faults', () => {
  let dir: string;
  let db: SqliteHandle;
  let sqlite: SqliteEventStore;
  let reads: FlakyReadStore;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  beforeEach(() => {
    process.on('unhandledRejection', onRejection);
    dir = mkdtempSync(join(tmpdir(), 'runtime-'));
    db = openSqlite({ file: join(dir, 'flywheel.db'), synchronous: 'NORMAL' });
    sqlite = new SqliteEventStore(db, new UpcasterRegistry(), { pollIntervalMs: 5 });
    reads = new FlakyReadStore(db);
  });
  afterEach(async () => {
    process.off('unhandledRejection', onRejection);
    await sqlite.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const deposit = async (from: number, to: number) => {
    for (let n = from; n < to; n++) await sqlite.append(`account-${n % 5}`, [newEvent('Deposited', { account: `a${n % 5}`, amount: n, n })], 'any');
  };
  const until = async (probe: () => Promise<boolean> | boolean) => {
    for (let i = 0; i < 1000 && !(await probe()); i++) await sleep(10);
    expect(await probe()).toBe(true);
  };
  const sum = (from: number, to: number, skip: number[] = []) => Array.from({ length: to - from }, (_, i) => from + i).filter((n) => !skip.includes(n)).reduce((a, b) => a + b, 0);
  const stored = async (runner: ProjectionRunner) => {
    const page = await reads.find<Total>(await runner.catalog.collection('totals'), { limit: 10 });
    return page.items.reduce((a, d) => a + d.total, 0);
  };

  it('a dropped subscription resumes from where it was, each event decoded once', async () => {
    await deposit(0, 50);
    const events = new DroppingEventStore(sqlite, 37);
    const log = new SharedLog(events);
    const runner = new ProjectionRunner(events, reads, { owner: 'o1', log, batchSize: 16, supervision: FAST });
    runner.register(totals(() => false));
    await runner.start();
    await deposit(50, 300);
    const head = await sqlite.headPosition();
    await until(async () => (await runner.checkpointOf('totals')) >= head);
    expect(events.drops).toBeGreaterThanOrEqual(5);
    expect(await stored(runner)).toBe(sum(0, 300));
    // The 250 live events were decoded once by the shared subscription; the first 50 by catch-up.
    expect(log.decodedBySubscription).toBe(250);
    expect(log.decodedByCatchUp).toBe(50);
    await runner.stop();
    await log.stop();
  });

  it('a stopped log stays stopped: a late reader gets nothing and opens no subscription on a closing store', async () => {
    await deposit(0, 10);
    let subscriptions = 0;
    const counting = new DroppingEventStore(sqlite, 1_000_000);
    const subscribeAll = counting.subscribeAll.bind(counting);
    counting.subscribeAll = (options?: SubscribeOptions) => {
      subscriptions += 1;
      return subscribeAll(options);
    };
    const log = new SharedLog(counting);
    await log.start();
    await deposit(10, 12);
    await until(() => log.head >= 12);
    await log.stop();
    // A consumer that missed the shutdown reads once more: no new subscription, nothing to read,
    // and its wait ends with its own signal rather than spinning.
    expect(await log.read(5, 10)).toEqual([]);
    const abort = new AbortController();
    const waited = log.waitBeyond(12, abort.signal);
    abort.abort();
    await waited;
    expect(subscriptions).toBe(1);
    // An explicit start (a standby elected again) subscribes anew.
    await log.start();
    expect(subscriptions).toBe(2);
    expect((await log.read(5, 10)).length).toBeGreaterThan(0);
    await log.stop();
  });

  it('a saga catching up from behind the window reads and decodes only its own event types', async () => {
    await deposit(0, 400);
    for (let n = 0; n < 4; n++) await sqlite.append(`alarm-${n}`, [newEvent('Alarmed', { n })], 'any');
    await deposit(400, 800);
    const head = await sqlite.headPosition();
    const seen: number[] = [];
    const saga: Saga = { name: 'alarms', eventTypes: ['Alarmed'], handle: async (e) => void seen.push(Number(e.data.n)) };
    const log = new SharedLog(sqlite);
    const sagas = new SagaRunner(sqlite, reads, { log, supervision: FAST });
    sagas.register(saga);
    // The log starts at the head: the saga's 804 events are all behind its window.
    await sagas.start();
    await until(async () => (await sagas.status()).every((s) => s.checkpoint === head));
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(log.decodedByCatchUp).toBe(4);
    // Then live: one new event of its type, from the shared window.
    await sqlite.append('alarm-4', [newEvent('Alarmed', { n: 4 })], 'no_stream');
    await until(() => seen.length === 5);
    expect(await sagas.waitFor(head + 1)).toBe(true);
    await sagas.stop();
    await log.stop();
  });

  it('fences a leader that lost its lease: it cannot write a checkpoint or document afterwards', async () => {
    await deposit(0, 20);
    const runner = new ProjectionRunner(sqlite, reads, { owner: 'paused-leader', batchSize: 8, supervision: FAST, leaseTtlMs: 60_000 });
    runner.register(totals(() => false));
    await runner.start();
    const key = 'projection:totals:v1_g1';
    const before = await reads.getCheckpoint(key);
    expect(before).toBe(await sqlite.headPosition());
    // The leader stalls past its lease; another instance takes it.
    await reads.releaseLease('projection-runner', 'paused-leader');
    expect(await reads.acquireLease('projection-runner', 'new-leader', 60_000)).toBe(true);
    await deposit(20, 40);
    await sleep(300);
    expect(await reads.getCheckpoint(key)).toBe(before);
    expect(await stored(runner)).toBe(sum(0, 20));
    await runner.stop();
    expect(rejections).toEqual([]);
  });

  it('survives failures in every handler kind: projection, saga, checkpoint write, subscription', async () => {
    const events = new DroppingEventStore(sqlite, 53);
    const clock = new ManualClock();
    const log = new SharedLog(events);
    const runner = new ProjectionRunner(events, reads, { owner: 'o1', log, batchSize: 8, supervision: FAST, clock });
    runner.register(totals((e) => e.data.n === 17));
    let flaky = 2;
    const saga: Saga = {
      name: 'mirror',
      eventTypes: ['Deposited'],
      async handle(e) {
        if (e.data.n === 23 && flaky-- > 0) throw new Error('downstream unavailable');
        await sqlite.append(`mirror-${String(e.data.n)}`, [{ ...newEvent('Mirrored', { n: e.data.n }), eventId: deterministicUuid(`mirror:${e.eventId}`) }], 'any');
      },
    };
    const sagas = new SagaRunner(events, reads, { log, supervision: FAST, clock });
    sagas.register(saga);
    await runner.start();
    await sagas.start();
    reads.failures = 3;
    await deposit(0, 120);

    // Both poison events park, each in its own handler; ops decides through the parking lot.
    await until(async () => (await runner.parking.list()).length === 2);
    const parked = await runner.parking.list();
    expect(parked.map((p) => [p.handler, p.event_type, p.attempts])).toEqual([
      ['projection:totals', 'Deposited', 2],
      ['saga:mirror', 'Deposited', 2],
    ]);
    expect(parked[0].parked_at).toBe(clock.now().toISOString());
    expect(await runner.stalledBefore(parked[0].position)).toEqual({ projection: 'totals', parkedPosition: parked[0].position });
    expect(await runner.parking.decide('projection:totals', parked[0].position, 'skip')).toBe(true);
    expect(await runner.parking.decide('saga:mirror', parked[1].position, 'retry')).toBe(true);

    const head = await sqlite.headPosition();
    await until(async () => (await runner.checkpointOf('totals')) >= head && (await sagas.waitFor(head, 10)));
    expect(await runner.parking.list()).toEqual([]);
    expect(await stored(runner)).toBe(sum(0, 120, [17]));
    // Every deposit mirrored exactly once, the retried one included.
    const mirrored = (await sqlite.readAll({ limit: 10_000 })).filter((e) => e.type === 'Mirrored');
    expect(mirrored).toHaveLength(120);
    expect(new Set(mirrored.map((e) => e.data.n)).size).toBe(120);

    // A rebuild from the log skips the skipped event again, as recorded, and equals the live model.
    await runner.requestRebuild('totals');
    await until(async () => (await runner.catalog.state('totals'))?.lastRebuild !== null);
    expect(await stored(runner)).toBe(sum(0, 120, [17]));
    await sagas.stop();
    await runner.stop();
    await log.stop();
    expect(rejections).toEqual([]);
  });
});

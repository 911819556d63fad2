/**
 * The event store port in process, against raw better-sqlite3 on the same disk (synchronous=FULL):
 * 50 concurrent single-event commands (read → decide → append, each its own stream) against raw
 * inserts batched 50 per transaction, the physical limit with grouping; then the event-loop lag
 * and the group sizes during a burst of 1,000 durable appends, writer thread vs on the event loop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CommandProcessor } from '../src/commands/shared/command-processor';
import { SystemClock } from '../src/domain/shared/clock';
import { Decider } from '../src/domain/shared/decider';
import { DomainEvent, NewEvent } from '../src/domain/shared/events';
import { deterministicUuid } from '../src/domain/shared/ids';
import { UpcasterRegistry } from '../src/domain/shared/upcasting';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite-event-store';
import { EVENTS_SCHEMA } from '../src/infrastructure/event-store/sqlite-appender';
import { openSqlite } from '../src/infrastructure/sqlite/sqlite-database';
import { BenchRow, percentile, round } from './support';

const SUITE = 'write path (sqlite FULL, in process)';
const CLIENTS = 50;
// 10,000 rows each way: the 2,000 of earlier runs took the raw side about 60 ms, too short to measure.
const PER_CLIENT = Number(process.env.BENCH_WRITE_PER_CLIENT ?? 200);

type Counted = DomainEvent<'Counted', { n: number }>;
const counter: Decider<number, { n: number }, Counted> = {
  initialState: 0,
  evolve: (state) => state + 1,
  decide: (command) => [{ type: 'Counted', data: { n: command.n } }],
};

function event(i: number, run: string): NewEvent {
  return {
    eventId: deterministicUuid(`${run}:${i}`),
    type: 'MeterReadingRecorded',
    data: { readingId: `r${i}`, assetId: `asset-${i % 50}`, value: i * 1.5, rawText: `${i}.5`, confidence: 0.91 },
    metadata: { tenantId: 'acme', actorId: 'bench', correlationId: `c${i}`, causationId: null, occurredAt: '2026-01-01T00:00:00.000Z', schemaVersion: 1 },
  };
}

async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-write-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 50 clients, each sending single-event commands one after another, each to its own stream. */
async function concurrentCommands(): Promise<{ rate: number; groups: string }> {
  return inTempDir(async (dir) => {
    const db = openSqlite({ file: join(dir, 'port.db'), synchronous: 'FULL' });
    const store = new SqliteEventStore(db, new UpcasterRegistry());
    const processor = new CommandProcessor(store, new SystemClock(), new UpcasterRegistry());
    await store.append('warm-up', [event(-1, 'warm')], 'any');
    const t = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let i = 0; i < PER_CLIENT; i++) {
          const id = `${c}-${i}`;
          await processor.handle(`counter-${id}`, counter, { n: i }, { tenantId: 'acme', actorId: 'bench', commandId: `cmd-${id}`, correlationId: id, causationId: null });
        }
      }),
    );
    const rate = (CLIENTS * PER_CLIENT) / ((performance.now() - t) / 1000);
    const stats = store.writerStats();
    await store.close();
    db.close();
    return { rate, groups: stats ? `${stats.groups} groups, largest ${stats.largestGroup}, mean ${round(stats.operations / stats.groups, 1)}` : '' };
  });
}

/** The same number of rows, inserted raw 50 per IMMEDIATE transaction. */
async function rawBatched50(): Promise<number> {
  return inTempDir(async (dir) => {
    const raw = openSqlite({ file: join(dir, 'raw.db'), synchronous: 'FULL' });
    raw.exec(EVENTS_SCHEMA);
    const insert = raw.prepare('INSERT INTO events (event_id, stream, revision, type, data, metadata, hash, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const tx = raw.transaction((rows: NewEvent[], from: number) => {
      rows.forEach((e, j) => insert.run(e.eventId, `counter-${from + j}`, 0, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), '0'.repeat(64), new Date().toISOString()));
    });
    const total = CLIENTS * PER_CLIENT;
    const t = performance.now();
    for (let i = 0; i < total; i += 50) tx.immediate(Array.from({ length: 50 }, (_, j) => event(i + j, 'raw')), i);
    const rate = total / ((performance.now() - t) / 1000);
    raw.close();
    return rate;
  });
}

/** 1,000 single-event appends at once; a 1 ms timer measures how late the event loop runs. */
async function burst(inline: boolean): Promise<{ ms: number; p99: number; max: number; groups: string }> {
  return inTempDir(async (dir) => {
    const db = openSqlite({ file: join(dir, 'burst.db'), synchronous: 'FULL' });
    const store = new SqliteEventStore(db, new UpcasterRegistry(), { inline });
    await store.append('warm-up', [event(-1, 'warm')], 'any');
    // A 1 ms timer: each late tick is how long the loop could not run anything else.
    const gaps: number[] = [];
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last - 1);
      last = now;
    }, 1);
    const t = performance.now();
    await Promise.all(Array.from({ length: 1000 }, (_, i) => store.append(`burst-${i}`, [event(i, 'burst')], 'no_stream')));
    const ms = performance.now() - t;
    // One more timer turn, so a loop blocked through the whole burst is recorded too.
    await new Promise((resolve) => setTimeout(resolve, 5));
    clearInterval(ticker);
    const stats = store.writerStats();
    await store.close();
    db.close();
    const sizes = stats ? [...stats.sizes].sort((a, b) => a[0] - b[0]).map(([size, n]) => `${size}x${n}`).join(' ') : 'one transaction per append';
    return { ms, p99: percentile(gaps, 99), max: Math.max(0, ...gaps), groups: sizes };
  });
}

export default async function run(): Promise<BenchRow[]> {
  const commands = await concurrentCommands();
  const raw = await rawBatched50();
  const worker = await burst(false);
  const onLoop = await burst(true);
  return [
    { suite: SUITE, metric: `${CLIENTS} concurrent single-event commands`, value: round(commands.rate, 0), unit: 'events/s', note: commands.groups },
    { suite: SUITE, metric: 'raw better-sqlite3, 50 rows per transaction', value: round(raw, 0), unit: 'events/s', note: `${CLIENTS * PER_CLIENT} rows` },
    { suite: SUITE, metric: 'commands / raw batched-50', value: round(commands.rate / raw, 2), unit: 'x', note: 'target >= 0.3' },
    { suite: SUITE, metric: 'burst of 1,000 appends, writer thread: time', value: round(worker.ms, 0), unit: 'ms', note: `group sizes ${worker.groups}` },
    { suite: SUITE, metric: 'burst, writer thread: event-loop lag p99 / max', value: round(worker.p99, 1), unit: 'ms', note: `max ${round(worker.max, 1)} ms` },
    { suite: SUITE, metric: 'burst of 1,000 appends, on the event loop: time', value: round(onLoop.ms, 0), unit: 'ms', note: onLoop.groups },
    { suite: SUITE, metric: 'burst, on the event loop: event-loop lag p99 / max', value: round(onLoop.p99, 1), unit: 'ms', note: `max ${round(onLoop.max, 1)} ms` },
  ];
}

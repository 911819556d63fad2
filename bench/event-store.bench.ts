import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NewEvent, RecordedEvent } from '../src/domain/shared/events';
import { deterministicUuid } from '../src/domain/shared/ids';
import { UpcasterRegistry } from '../src/domain/shared/upcasting';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite-event-store';
import { SqliteReadStore } from '../src/infrastructure/read-store/sqlite-read-store';
import { openSqlite } from '../src/infrastructure/sqlite/sqlite-database';
import { documentProjection } from '../src/runtime/projection';
import { ProjectionRunner } from '../src/runtime/projection-runner';
import { BenchRow, median, round } from './support';

const SYNC = 'FULL' as const;
const SCHEMA = `CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL, revision INTEGER NOT NULL,
  type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, hash TEXT NOT NULL, recorded_at TEXT NOT NULL, UNIQUE (stream, revision))`;

function event(i: number, run: string): NewEvent {
  return {
    eventId: deterministicUuid(`${run}:${i}`),
    type: 'MeterReadingRecorded',
    data: { readingId: `r${i}`, assetId: `asset-${i % 50}`, value: i * 1.5, rawText: `${i}.5`, confidence: 0.91 },
    metadata: { tenantId: 'acme', actorId: 'bench', correlationId: `c${i}`, causationId: null, occurredAt: '2026-01-01T00:00:00.000Z', schemaVersion: 1 },
  };
}

/** Appends through the port vs raw better-sqlite3 inserts of the same rows, same file settings. */
async function appendRates(batchSize: number, total: number): Promise<{ port: number; raw: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-es-'));
  try {
    const db = openSqlite({ file: join(dir, 'port.db'), synchronous: SYNC });
    const store = new SqliteEventStore(db, new UpcasterRegistry());
    const run = `port-${batchSize}`;
    let t = performance.now();
    for (let i = 0; i < total; i += batchSize) {
      const events = Array.from({ length: batchSize }, (_, j) => event(i + j, run));
      await store.append(`reading-${(i / batchSize) % 100}`, events, 'any');
    }
    const port = total / ((performance.now() - t) / 1000);
    await store.close();
    db.close();

    const raw = openSqlite({ file: join(dir, 'raw.db'), synchronous: SYNC });
    raw.exec(SCHEMA);
    const insert = raw.prepare('INSERT INTO events (event_id, stream, revision, type, data, metadata, hash, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const revisions = new Map<string, number>();
    const tx = raw.transaction((rows: NewEvent[], stream: string) => {
      for (const e of rows) {
        const rev = (revisions.get(stream) ?? -1) + 1;
        revisions.set(stream, rev);
        insert.run(e.eventId, stream, rev, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), '0'.repeat(64), new Date().toISOString());
      }
    });
    t = performance.now();
    for (let i = 0; i < total; i += batchSize) {
      const events = Array.from({ length: batchSize }, (_, j) => event(i + j, `raw-${batchSize}`));
      tx.immediate(events, `reading-${(i / batchSize) % 100}`);
    }
    const rawRate = total / ((performance.now() - t) / 1000);
    raw.close();
    return { port, raw: rawRate };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rebuild throughput: a realistic keyed projection over N events into the embedded read store. */
export async function rebuildRate(total: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rebuild-'));
  try {
    const file = join(dir, 'flywheel.db');
    const db = openSqlite({ file, synchronous: 'NORMAL' });
    const store = new SqliteEventStore(db, new UpcasterRegistry());
    // Seed the log directly (fast), in the store's own table.
    const raw = new Database(file);
    const insert = raw.prepare('INSERT INTO events (event_id, stream, revision, type, data, metadata, hash, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const seed = raw.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const e = event(i, 'seed');
        insert.run(e.eventId, `reading-${i}`, 0, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), '0'.repeat(64), '2026-01-01T00:00:00.000Z');
      }
    });
    for (let i = 0; i < total; i += 50_000) seed(i, Math.min(total, i + 50_000));
    raw.close();

    const reads = new SqliteReadStore(db);
    const runner = new ProjectionRunner(store, reads, { owner: 'bench', batchSize: 5000 });
    runner.register(
      documentProjection<{ assetId: string; readings: number; last: number }>({
        name: 'asset_readings',
        version: 1,
        collection: 'bench_asset_readings',
        eventTypes: ['MeterReadingRecorded'],
        key: (e: RecordedEvent) => String(e.data.assetId),
        evolve: (doc, e) => ({ assetId: String(e.data.assetId), readings: (doc?.readings ?? 0) + 1, last: Number(e.data.value) }),
      }),
    );
    const t = performance.now();
    await runner.start();
    const seconds = (performance.now() - t) / 1000;
    await runner.stop();
    await store.close();
    db.close();
    return total / seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const single = [];
  for (let i = 0; i < 3; i++) single.push(await appendRates(1, 2000));
  const batch = [];
  for (let i = 0; i < 3; i++) batch.push(await appendRates(100, 50_000));
  const s = { port: median(single.map((r) => r.port)), raw: median(single.map((r) => r.raw)) };
  const b = { port: median(batch.map((r) => r.port)), raw: median(batch.map((r) => r.raw)) };
  rows.push({ suite: 'event store (sqlite, synchronous=FULL)', metric: 'single-event appends, port', value: round(s.port, 0), unit: 'events/s', note: 'median of 3 x 2,000' });
  rows.push({ suite: 'event store (sqlite, synchronous=FULL)', metric: 'single-event inserts, raw better-sqlite3', value: round(s.raw, 0), unit: 'events/s' });
  rows.push({ suite: 'event store (sqlite, synchronous=FULL)', metric: 'single-event raw/port ratio', value: round(s.raw / s.port, 2), unit: 'x' });
  rows.push({ suite: 'event store (sqlite, synchronous=FULL)', metric: '100-event batch appends, port', value: round(b.port, 0), unit: 'events/s', note: 'median of 3 x 50,000' });
  rows.push({ suite: 'event store (sqlite, synchronous=FULL)', metric: '100-event batch inserts, raw better-sqlite3', value: round(b.raw, 0), unit: 'events/s' });
  rows.push({ suite: 'event store (sqlite, synchronous=FULL)', metric: '100-event batch raw/port ratio', value: round(b.raw / b.port, 2), unit: 'x', note: 'aim: within 2x' });
  const total = Number(process.env.BENCH_REBUILD_EVENTS ?? 1_000_000);
  rows.push({ suite: 'projection rebuild (sqlite)', metric: `rebuild of ${total.toLocaleString('en-US')} events`, value: round(await rebuildRate(total), 0), unit: 'events/s', note: 'aim >= 100,000 events/s' });
  return rows;
}

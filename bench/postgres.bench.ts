import { Pool } from 'pg';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { NewEvent, RecordedEvent } from '../src/domain/shared/events';
import { deterministicUuid } from '../src/domain/shared/ids';
import { UpcasterRegistry } from '../src/domain/shared/upcasting';
import { PostgresEventStore } from '../src/infrastructure/postgres/postgres-event-store';
import { openPostgres } from '../src/infrastructure/postgres/postgres-pool';
import { PostgresReadStore } from '../src/infrastructure/postgres/postgres-read-store';
import { documentProjection } from '../src/runtime/projection';
import { ProjectionRunner } from '../src/runtime/projection-runner';
import { BenchRow, round } from './support';

const SUITE = 'event store (postgres)';

function event(i: number, run: string): NewEvent {
  return {
    eventId: deterministicUuid(`${run}:${i}`),
    type: 'MeterReadingRecorded',
    data: { readingId: `r${i}`, assetId: `asset-${i % 50}`, value: i * 1.5, rawText: `${i}.5`, confidence: 0.91 },
    metadata: { tenantId: 'acme', actorId: 'bench', correlationId: `c${i}`, causationId: null, occurredAt: '2026-01-01T00:00:00.000Z', schemaVersion: 1 },
  };
}

/** A fresh database on the server, dropped afterwards. */
async function withDatabase<T>(serverUrl: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `flywheel_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
  try {
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    return await fn(u.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/** Single-event appends through the port, `concurrency` in flight (group-committed). */
async function portRate(pool: Pool, total: number, concurrency: number): Promise<number> {
  const store = new PostgresEventStore(pool, new UpcasterRegistry());
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) await store.append(`reading-port-${i}`, [event(i, 'port')], 'no_stream');
    }),
  );
  const rate = total / ((performance.now() - t) / 1000);
  await store.close();
  return rate;
}

/** The same rows inserted raw, 50 per transaction, one transaction after another. */
async function rawRate(pool: Pool, total: number): Promise<number> {
  const client = await pool.connect();
  const t = performance.now();
  for (let i = 0; i < total; i += 50) {
    const rows = Array.from({ length: 50 }, (_, j) => event(i + j, 'raw'));
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO events (event_id, stream, revision, type, data, metadata, hash, recorded_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::jsonb[], $6::jsonb[], $7::text[], $8::text[])`,
      [
        rows.map((e) => e.eventId),
        rows.map((_, j) => `reading-raw-${i + j}`),
        rows.map(() => 0),
        rows.map((e) => e.type),
        rows.map((e) => JSON.stringify(e.data)),
        rows.map((e) => JSON.stringify(e.metadata)),
        rows.map(() => '0'.repeat(64)),
        rows.map(() => new Date().toISOString()),
      ],
    );
    await client.query('COMMIT');
  }
  client.release();
  return total / ((performance.now() - t) / 1000);
}

/** Rebuild of a keyed projection over `total` events seeded server-side. */
async function rebuildRate(pool: Pool, total: number): Promise<{ rebuild: number; ceiling: number }> {
  await pool.query(`INSERT INTO events (event_id, stream, revision, type, data, metadata, hash, recorded_at)
    SELECT 'seed-' || i, 'reading-seed-' || i, 0, 'MeterReadingRecorded',
      jsonb_build_object('readingId', 'r' || i, 'assetId', 'asset-' || (i % 50), 'value', i * 1.5, 'rawText', i || '.5', 'confidence', 0.91),
      jsonb_build_object('tenantId', 'acme', 'actorId', 'bench', 'correlationId', 'c' || i, 'causationId', null, 'occurredAt', '2026-01-01T00:00:00.000Z', 'schemaVersion', 1),
      repeat('0', 64), '2026-01-01T00:00:00.000Z'
    FROM generate_series(1, ${Math.floor(total)}) AS i`);
  await pool.query('VACUUM ANALYZE events');
  const store = new PostgresEventStore(pool, new UpcasterRegistry());
  const reads = new PostgresReadStore(pool);
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
  return { rebuild: total / seconds, ceiling: await rawReadRate(pool, total) };
}

/** The same events read raw, 5,000 a page, without applying them: this run's ceiling for a rebuild. */
async function rawReadRate(pool: Pool, total: number): Promise<number> {
  const t = performance.now();
  for (let after = 0; ; ) {
    const page = await pool.query<[number]>({ text: 'SELECT position, event_id, stream, revision, type, data, metadata, recorded_at FROM events WHERE position > $1 ORDER BY position LIMIT 5000', values: [after], rowMode: 'array' });
    if (page.rows.length === 0) break;
    after = page.rows[page.rows.length - 1][0];
  }
  return total / ((performance.now() - t) / 1000);
}

/** Needs a server: BENCH_DATABASE_URL or TEST_DATABASE_URL (a role that may create databases). */
export default async function run(): Promise<BenchRow[]> {
  const server = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!server) return [{ suite: SUITE, metric: 'skipped', value: 0, unit: '', note: 'set BENCH_DATABASE_URL or TEST_DATABASE_URL' }];
  const appends = Number(process.env.BENCH_PG_APPENDS ?? 10_000);
  const rows: BenchRow[] = [];
  await withDatabase(server, async (url) => {
    const pool = await openPostgres(url, { max: 10 });
    try {
      const port = await portRate(pool, appends, 64);
      const raw = await rawRate(pool, appends);
      rows.push({ suite: SUITE, metric: 'concurrent single-event appends, port (64 in flight)', value: round(port, 0), unit: 'events/s', note: `${appends.toLocaleString('en-US')} appends` });
      rows.push({ suite: SUITE, metric: 'raw inserts, 50 per transaction', value: round(raw, 0), unit: 'events/s' });
      rows.push({ suite: SUITE, metric: 'port / raw-batched-50', value: round((100 * port) / raw, 0), unit: '%', note: 'aim >= 30%' });
    } finally {
      await pool.end();
    }
  });
  const total = Number(process.env.BENCH_REBUILD_EVENTS ?? 1_000_000);
  await withDatabase(server, async (url) => {
    const pool = await openPostgres(url, { max: 10 });
    try {
      const { rebuild, ceiling } = await rebuildRate(pool, total);
      rows.push({ suite: 'projection rebuild (postgres)', metric: `rebuild of ${total.toLocaleString('en-US')} events`, value: round(rebuild, 0), unit: 'events/s', note: 'aim >= 50,000 events/s' });
      rows.push({ suite: 'projection rebuild (postgres)', metric: 'raw sequential page reads of the same events', value: round(ceiling, 0), unit: 'events/s', note: "this run's ceiling (machine load)" });
    } finally {
      await pool.end();
    }
  });
  return rows;
}

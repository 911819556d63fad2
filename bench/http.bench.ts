/**
 * The write path over HTTP, honestly: the server runs as `npm start` does (compiled, its own
 * process, SQLITE_SYNCHRONOUS=FULL) and autocannon drives it from this process. Every figure is
 * printed beside the GET /health ceiling measured in the same run, at the same 50 connections, in
 * BENCH_HTTP_ROUNDS rounds (in each, every load right after a ceiling of its own); figures are
 * medians over the rounds.
 */
import { JwtService } from '../src/infrastructure/auth/jwt';
import { TEST_JWT_SECRET } from '../test/support/app';
import { renderMeterPhoto } from '../test/support/photos';
import { healthRoundRows, load, roundsBesideHealth, startServerProcess } from './server-process';
import { CannonResult } from './autocannon';
import { BenchRow } from './support';

const SUITE = 'http write path';
/** Corrections spread over 100 readings by 50 labelers (one per connection), as a site's team would. */
const READINGS = 100;
const SYNCS = 600;
/** Rounds of the ceiling and every load (BENCH_HTTP_ROUNDS). */
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 3);

export default function run(): Promise<BenchRow[]> {
  return runHttp(SUITE, async () => ({ env: {}, done: async () => {} }));
}

/** What a round's server starts with, and what to clean up after it (the PostgreSQL variant: a fresh database). */
export type RoundStore = () => Promise<{ env: Record<string, string>; done: () => Promise<void> }>;

/** The same loads against servers started with each round's `env` (the PostgreSQL variant passes DATABASE_URL). */
export async function runHttp(suite: string, store: RoundStore): Promise<BenchRow[]> {
  // Rounds, each on a fresh server and data directory seeded alike (so every round measures the
  // same state, not one grown by the corrections of the rounds before). Each load runs right after
  // a ceiling of its own, and its ratio is to that ceiling: the shared machine's speed drifts over
  // the half minute a round takes, and a ceiling measured before every load follows the drift.
  // The figures are medians over the rounds (a noisy spell moves one round, not the median).
  const healths: CannonResult[][] = [];
  const results: CannonResult[][] = [];
  let labels: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const { env, done } = await store();
    const { server, stop } = await startServerProcess({ OCR_WORKERS: '1', ...env }, round > 0);
    try {
      const [health, ...loads] = httpLoads(await seedHttp(server.baseUrl));
      labels = loads.map((l) => l.label);
      for (const [i, l] of loads.entries()) {
        // The read models catch up with the load before first: a ceiling measured during their
        // catch-up would be lowered by it and flatter the next ratio.
        if (i > 0) await caughtUp(server.baseUrl);
        (healths[i] ??= []).push(await health.run(server.baseUrl));
        (results[i] ??= []).push(await l.run(server.baseUrl));
      }
    } finally {
      await stop();
      await done();
    }
  }
  const rows = healthRoundRows(suite, healths.flat());
  labels.forEach((label, i) => rows.push(...roundsBesideHealth(suite, label, results[i], healths[i])));
  return rows;
}

/** The tokens and the readings the loads use. */
export interface HttpFixture {
  guard: string;
  labelers: string[];
  users: string[];
  readingIds: string[];
}

/** 100 meter readings uploaded (multipart) and 600 syncs (one in seven resolved as a conflict). */
export async function seedHttp(base: string): Promise<HttpFixture> {
  const jwt = new JwtService(TEST_JWT_SECRET);
  const guard = jwt.sign({ sub: 'bench-guard', tenant: 'bench', roles: ['guard'] });
  const labelers = Array.from({ length: 50 }, (_, i) => jwt.sign({ sub: `labeler-${i}`, tenant: 'bench', roles: ['labeler'] }));
  const users = Array.from({ length: 50 }, (_, i) => jwt.sign({ sub: `u${i}`, tenant: 'bench', roles: ['guard'] }));

  const photo = await renderMeterPhoto('004512.7');
  const readingIds: string[] = [];
  for (let i = 0; i < READINGS; i++) {
    const form = new FormData();
    form.append('asset_id', `meter-${i}`);
    form.append('photo', new Blob([photo]), 'meter.png');
    const res = await fetch(`${base}/api/v2/meter-readings`, { method: 'POST', headers: { authorization: `Bearer ${guard}` }, body: form });
    if (res.status !== 201) throw new Error(`seeding a reading answered ${res.status}: ${await res.text()}`);
    readingIds.push(((await res.json()) as { reading_id: string }).reading_id);
  }
  const post = (token: string, path: string, body: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  for (let i = 0; i < SYNCS; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, async (_, j) => {
        const n = i + j;
        const res = await post(users[n % 50], '/api/v2/sync/events', { sync_id: `seed-${n}`, entity_type: 'meter', entity_id: `m${n % 200}`, device_id: 'bench', fields: ['value', 'unit'].slice(0, 1 + (n % 2)), synced_at: new Date(Date.now() - n * 60_000).toISOString() });
        if (res.status !== 201) throw new Error(`seeding a sync answered ${res.status}`);
        if (n % 7 !== 0) return;
        const conflict = await post(users[n % 50], '/api/v2/sync/conflicts', { sync_id: `seed-${n}`, resolution_type: 'merged' });
        if (conflict.status !== 201) throw new Error(`seeding a conflict answered ${conflict.status}: ${await conflict.text()}`);
      }),
    );
  }
  await caughtUp(base);
  return { guard, labelers, users, readingIds };
}

/**
 * Waits until every projection has applied the seed (each `lag` 0 on /health, twice a second
 * apart): a ceiling measured while the read models still catch up is lowered by that work and
 * flatters every ratio to it.
 */
export async function caughtUp(base: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let streak = 0; streak < 2; ) {
    if (Date.now() > deadline) throw new Error('the read models did not catch up with the seed in time');
    await new Promise((r) => setTimeout(r, 1000));
    const health = (await (await fetch(`${base}/health`)).json()) as { projections?: Array<{ lag: number }> };
    const projections = health.projections ?? [];
    streak = projections.length > 0 && projections.every((p) => p.lag === 0) ? streak + 1 : 0;
  }
}

export interface HttpLoad {
  label: string;
  run: (base: string) => Promise<CannonResult>;
}

/**
 * GET /health (the ceiling), a reading by id, corrections (each a new one, its own Idempotency-Key)
 * and conflict predictions. The counters live as long as the loads, so running them again (against
 * another server on the same data) never reuses a key.
 */
export function httpLoads({ guard, labelers, users, readingIds }: HttpFixture): HttpLoad[] {
  let g = 0;
  let c = 0;
  let p = 0;
  return [
    { label: 'GET /health', run: (base) => load(`${base}/health`, [{ method: 'GET' }]) },
    {
      label: 'GET /api/v2/meter-readings/:id',
      run: (base) => load(base, [{ method: 'GET', setupRequest: (r) => ({ ...r, path: `/api/v2/meter-readings/${readingIds[g++ % READINGS]}`, headers: { authorization: `Bearer ${guard}` } }) }]),
    },
    {
      label: `POST corrections (${READINGS} readings)`,
      run: (base) =>
        load(`${base}/api/v2/ml-training/corrections/`, [
          {
            method: 'POST',
            setupRequest: (r) => {
              c += 1;
              return {
                ...r,
                headers: { authorization: `Bearer ${labelers[c % 50]}`, 'content-type': 'application/json', 'idempotency-key': `bench-${c}` },
                body: JSON.stringify({ source_type: 'meter_reading', source_id: readingIds[c % READINGS], corrected_text: String(2000 + c), correction_type: 'OCR_ERROR' }),
              };
            },
          },
        ]),
    },
    {
      label: 'POST conflict-predictions',
      run: (base) =>
        load(`${base}/api/v2/ml/conflict-predictions`, [
          {
            method: 'POST',
            setupRequest: (r) => {
              p += 1;
              return {
                ...r,
                headers: { authorization: `Bearer ${users[p % 50]}`, 'content-type': 'application/json' },
                body: JSON.stringify({ entity_type: 'meter', entity_id: `m${p % 200}`, device_id: 'bench', fields: ['value', 'unit'] }),
              };
            },
          },
        ]),
    },
  ];
}

/**
 * The write path over HTTP, honestly: the server runs as `npm start` does (compiled, its own
 * process, SQLITE_SYNCHRONOUS=FULL) and autocannon drives it from this process. Every figure is
 * printed beside the GET /health ceiling measured in the same run, at the same 50 connections.
 */
import { JwtService } from '../src/infrastructure/auth/jwt';
import { TEST_JWT_SECRET } from '../test/support/app';
import { renderMeterPhoto } from '../test/support/photos';
import { healthRows, load, rowsBesideHealth, startServerProcess } from './server-process';
import { BenchRow } from './support';

const SUITE = 'http write path';
/** Corrections spread over 100 readings by 50 labelers (one per connection), as a site's team would. */
const READINGS = 100;
const SYNCS = 600;

export default function run(): Promise<BenchRow[]> {
  return runHttp(SUITE, {});
}

/** The same loads against a server started with `env` (the PostgreSQL variant passes DATABASE_URL). */
export async function runHttp(suite: string, env: Record<string, string>): Promise<BenchRow[]> {
  const { server, stop } = await startServerProcess({ OCR_WORKERS: '1', ...env });
  try {
    const base = server.baseUrl;
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
          if (n % 7 === 0) await post(users[n % 50], '/api/v2/sync/conflicts', { sync_id: `seed-${n}`, resolution_type: 'merge' });
        }),
      );
    }

    const health = await load(`${base}/health`, [{ method: 'GET' }]);
    let g = 0;
    const getReading = await load(base, [
      { method: 'GET', setupRequest: (r) => ({ ...r, path: `/api/v2/meter-readings/${readingIds[g++ % READINGS]}`, headers: { authorization: `Bearer ${guard}` } }) },
    ]);
    let c = 0;
    const corrections = await load(`${base}/api/v2/ml-training/corrections/`, [
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
    ]);
    let p = 0;
    const predictions = await load(`${base}/api/v2/ml/conflict-predictions`, [
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
    ]);
    return [
      ...healthRows(suite, health),
      ...rowsBesideHealth(suite, 'GET /api/v2/meter-readings/:id', getReading, health),
      ...rowsBesideHealth(suite, `POST corrections (${READINGS} readings)`, corrections, health),
      ...rowsBesideHealth(suite, 'POST conflict-predictions', predictions, health),
    ];
  } finally {
    await stop();
  }
}

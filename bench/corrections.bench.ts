/**
 * Corrections endpoint under load: requests/s and p50/p99 latency at 50 concurrent connections
 * (autocannon) against the real app on the embedded default (SQLite, synchronous FULL). Each
 * request corrects one of the seeded readings with its own Idempotency-Key, so every request
 * appends a CorrectionSubmitted and updates (or creates) the reading's training example.
 */
import { autocannon } from './autocannon';
import { startTestApp } from '../test/support/app';
import { renderMeterPhoto } from '../test/support/photos';
import { BenchRow, round } from './support';

const SUITE = 'corrections';
const CONNECTIONS = 50;
const DURATION_S = 10;
/** Enough readings that concurrent corrections rarely race on one stream, as in real use. */
const READINGS = 100;
const SEED_CONCURRENCY = 4;

export default async function run(): Promise<BenchRow[]> {
  const app = await startTestApp({ env: { SQLITE_SYNCHRONOUS: 'FULL', OCR_WORKERS: '2' } });
  try {
    const guard = app.token({ sub: 'bench-guard', tenant: 'bench', roles: ['guard'] });
    const labeler = app.token({ sub: 'bench-labeler', tenant: 'bench', roles: ['labeler'] });
    const photos = [await renderMeterPhoto('004512.7'), await renderMeterPhoto('3907', { blur: 5 })];
    const readingIds: string[] = [];
    const seed = async (i: number) => {
      const form = new FormData();
      form.append('asset_id', `meter-${i}`);
      form.append('photo', new Blob([photos[i % photos.length]]), 'meter.png');
      const res = await fetch(`${app.baseUrl}/api/v2/meter-readings`, { method: 'POST', headers: { authorization: `Bearer ${guard}` }, body: form });
      if (res.status !== 201) throw new Error(`seeding a reading answered ${res.status}: ${await res.text()}`);
      readingIds.push(((await res.json()) as { reading_id: string }).reading_id);
    };
    for (let i = 0; i < READINGS; i += SEED_CONCURRENCY) await Promise.all(Array.from({ length: Math.min(SEED_CONCURRENCY, READINGS - i) }, (_, j) => seed(i + j)));

    let n = 0;
    const measure = (duration: number) =>
      autocannon({
        url: `${app.baseUrl}/api/v2/ml-training/corrections/`,
        connections: CONNECTIONS,
        duration,
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => {
              n += 1;
              return {
                ...request,
                headers: { authorization: `Bearer ${labeler}`, 'content-type': 'application/json', 'idempotency-key': `bench-${n}` },
                body: JSON.stringify({ source_type: 'meter_reading', source_id: readingIds[n % readingIds.length], corrected_text: String(2000 + n), correction_type: 'OCR_ERROR' }),
              };
            },
          },
        ],
      });

    await measure(2);
    const result = await measure(DURATION_S);
    const ok = result['2xx'];
    const failed = result.non2xx + result.errors + result.timeouts;
    const codes = Object.entries(result.statusCodeStats).map(([code, s]) => `${code}x${s.count}`).join(' ');
    const note = `${CONNECTIONS} connections, ${DURATION_S} s, ${READINGS} readings, ${ok} ok, ${failed} failed (${codes})`;
    return [
      { suite: SUITE, metric: 'corrections requests/s', value: round(result.requests.average, 1), unit: 'req/s', note },
      { suite: SUITE, metric: 'corrections latency p50', value: round(result.latency.p50, 1), unit: 'ms', note: `${CONNECTIONS} connections` },
      { suite: SUITE, metric: 'corrections latency p99', value: round(result.latency.p99, 1), unit: 'ms', note: `${CONNECTIONS} connections` },
    ];
  } finally {
    await app.close();
  }
}

/**
 * The HTTP write path with the server on PostgreSQL (DATABASE_URL, a fresh database per round), the
 * same loads as http.bench.ts beside the GET /health ceiling of the same run. Needs
 * TEST_DATABASE_URL (a role that may create databases); skipped without it.
 */
import { TEST_DATABASE_URL, freshDatabase } from '../test/support/postgres';
import { TEST_DATA_KEY } from '../test/support/test-stores';
import { runHttp } from './http.bench';
import { BenchRow } from './support';

const SUITE = 'http write path (postgres)';

export default async function run(): Promise<BenchRow[]> {
  if (!TEST_DATABASE_URL) return [{ suite: SUITE, metric: 'skipped', value: 0, unit: '', note: 'set TEST_DATABASE_URL' }];
  // A fresh database per round (each round's server is seeded alike).
  return runHttp(SUITE, async () => {
    const db = await freshDatabase('flywheel_bench_http');
    return { env: { DATABASE_URL: db.url, DATA_KEY: TEST_DATA_KEY }, done: () => db.drop() };
  });
}

/**
 * Express vs Fastify on the HTTP write path, in one run (`npm run bench -- fastify`): the service
 * as `npm start` runs it (dist/src/main.js, Express) is seeded as http.bench.ts does (readings
 * are multipart uploads, which only the Express app takes), stopped, and then the same loads run
 * against it and against the bench-only Fastify variant (bench/fastify-main.ts, see what it lacks
 * there) on the same data directory and port, one server at a time, in ABBA order (Express,
 * Fastify, Fastify, Express with BENCH_FASTIFY_ROUNDS=2) so the data growing under the
 * corrections and the machine's drift weigh on both alike. Each session runs the four loads of
 * http.bench.ts (each 2 s of warm-up, then BENCH_HTTP_SECONDS) after the projections caught up.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildServer, freePort } from '../test/support/child-server';
import { CannonResult } from './autocannon';
import { httpLoads, seedHttp } from './http.bench';
import { healthRoundRows, roundsBesideHealth } from './server-process';
import { BenchRow, round } from './support';

const SUITE = 'http: fastify vs express';
const ROUNDS = Number(process.env.BENCH_FASTIFY_ROUNDS ?? 2);
type Adapter = 'express' | 'fastify';

/** Until every projection has caught up (lag 0), so no session pays for the previous one's events. */
async function settle(server: ChildServer): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const health = (await (await fetch(`${server.baseUrl}/health`)).json()) as { projections?: Array<{ lag: number }> };
    if ((health.projections ?? []).every((p) => Number(p.lag) === 0)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await new Promise((r) => setTimeout(r, 1000));
}

/** Sessions of one adapter and endpoint as one result: mean req/s, mean p50 and p99, codes summed. */
function merge(results: CannonResult[]): CannonResult {
  const mean = (f: (r: CannonResult) => number) => results.reduce((s, r) => s + f(r), 0) / results.length;
  const codes: Record<string, { count: number }> = {};
  for (const r of results) for (const [code, s] of Object.entries(r.statusCodeStats)) codes[code] = { count: (codes[code]?.count ?? 0) + s.count };
  return {
    requests: { average: mean((r) => r.requests.average), p50: mean((r) => r.requests.p50), p99: mean((r) => r.requests.p99) },
    latency: { average: mean((r) => r.latency.average), p50: mean((r) => r.latency.p50), p99: mean((r) => r.latency.p99) },
    '2xx': results.reduce((s, r) => s + r['2xx'], 0),
    non2xx: results.reduce((s, r) => s + r.non2xx, 0),
    errors: results.reduce((s, r) => s + r.errors, 0),
    timeouts: results.reduce((s, r) => s + r.timeouts, 0),
    statusCodeStats: codes,
  };
}

function build(root: string): void {
  if (process.env.BENCH_SKIP_BUILD === '1') return;
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  execFileSync('npx', ['tsc', '-p', 'bench/tsconfig.fastify.json'], { cwd: root, stdio: 'inherit' });
}

export default async function run(): Promise<BenchRow[]> {
  const root = join(__dirname, '..');
  build(root);
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-fastify-'));
  const port = await freePort();
  const env = { SQLITE_SYNCHRONOUS: 'FULL', LOG_LEVEL: 'error', OCR_WORKERS: '1' };
  const servers: Record<Adapter, ChildServer> = {
    express: new ChildServer(dataDir, port, env, root),
    fastify: new ChildServer(dataDir, port, env, root, join(root, 'dist', 'bench', 'fastify-main.js')),
  };
  try {
    await servers.express.start();
    const loads = httpLoads(await seedHttp(servers.express.baseUrl));
    await settle(servers.express);
    await servers.express.stop();
    const results: Record<Adapter, CannonResult[][]> = { express: loads.map(() => []), fastify: loads.map(() => []) };
    const order: Adapter[] = [];
    for (let r = 0; r < ROUNDS; r++) order.push(...(r % 2 === 0 ? (['express', 'fastify'] as const) : (['fastify', 'express'] as const)));
    for (const adapter of order) {
      const server = servers[adapter];
      await server.start();
      try {
        await settle(server);
        for (const [i, l] of loads.entries()) {
          const result = await l.run(server.baseUrl);
          results[adapter][i].push(result);
          process.stderr.write(`  ${adapter} ${l.label}: ${round(result.requests.average, 1)} req/s, p99 ${round(result.latency.p99, 1)} ms\n`);
        }
      } finally {
        await server.stop();
      }
    }
    return report(order, loads.map((l) => l.label), results);
  } finally {
    await servers.express.stop();
    await servers.fastify.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(order: Adapter[], labels: string[], results: Record<Adapter, CannonResult[][]>): BenchRow[] {
  const rows: BenchRow[] = [{ suite: SUITE, metric: 'sessions', value: order.length, unit: '', note: `${order.join(', ')}; per adapter: means of its sessions` }];
  const merged = { express: results.express.map(merge), fastify: results.fastify.map(merge) };
  for (const adapter of ['express', 'fastify'] as const) {
    const [health, ...rest] = merged[adapter];
    const suite = `${SUITE} (${adapter})`;
    rows.push(...healthRoundRows(suite, [health]));
    rest.forEach((result, i) => rows.push(...roundsBesideHealth(suite, labels[i + 1], [result], [health])));
    const each = results[adapter].map((sessions, i) => `${labels[i]}: ${sessions.map((s) => round(s.requests.average, 0)).join(' / ')}`);
    rows.push({ suite, metric: 'req/s per session', value: results[adapter][0].length, unit: 'sessions', note: each.join('; ') });
  }
  labels.forEach((label, i) => {
    const e = merged.express[i];
    const f = merged.fastify[i];
    rows.push({ suite: SUITE, metric: `${label} fastify / express req/s`, value: round(f.requests.average / e.requests.average, 2), unit: 'x', note: `${round(f.requests.average, 1)} vs ${round(e.requests.average, 1)} req/s; p99 ${round(f.latency.p99, 1)} vs ${round(e.latency.p99, 1)} ms` });
  });
  return rows;
}

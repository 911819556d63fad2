import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildServer, freePort } from '../test/support/child-server';
import { Autocannon, CannonRequest, CannonResult, autocannon } from './autocannon';
import { BenchRow, round } from './support';

/**
 * The server as `npm start` runs it (compiled JS, its own process) on a fresh data directory.
 * BENCH_SERVER_ROOT points at another checkout (an older commit) to measure the same way.
 */
export async function startServerProcess(env: Record<string, string> = {}): Promise<{ server: ChildServer; stop: () => Promise<void> }> {
  const root = process.env.BENCH_SERVER_ROOT ?? join(__dirname, '..');
  if (process.env.BENCH_SKIP_BUILD !== '1') execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  const server = new ChildServer(dataDir, await freePort(), { SQLITE_SYNCHRONOUS: 'FULL', LOG_LEVEL: 'error', ...env }, root);
  await server.start();
  return {
    server,
    stop: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const CONNECTIONS = 50;
export const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 8);

/** 2 s of warm-up, then the measured run. */
export async function load(url: string, requests: Array<CannonRequest & { setupRequest?: (r: CannonRequest) => CannonRequest }>): Promise<CannonResult> {
  const run: Autocannon = autocannon;
  await run({ url, connections: CONNECTIONS, duration: 2, requests });
  return run({ url, connections: CONNECTIONS, duration: DURATION_S, requests });
}

/** One endpoint's figures beside the /health ceiling of the same run. */
export function rowsBesideHealth(suite: string, label: string, result: CannonResult, health: CannonResult): BenchRow[] {
  const codes = Object.entries(result.statusCodeStats).map(([code, s]) => `${code}x${s.count}`).join(' ');
  const note = `${CONNECTIONS} conn, ${DURATION_S} s, server in its own process, SQLITE_SYNCHRONOUS=FULL (${codes}; errors ${result.errors}, timeouts ${result.timeouts})`;
  return [
    { suite, metric: `${label} req/s`, value: round(result.requests.average, 1), unit: 'req/s', note },
    { suite, metric: `${label} p50 / p99`, value: round(result.latency.p50, 1), unit: 'ms', note: `p99 ${round(result.latency.p99, 1)} ms` },
    { suite, metric: `${label} throughput / health`, value: round(result.requests.average / health.requests.average, 2), unit: 'x', note: 'target >= 0.5' },
    { suite, metric: `${label} p99 / health p99`, value: round(result.latency.p99 / Math.max(1, health.latency.p99), 2), unit: 'x', note: 'target <= 2' },
  ];
}

export function healthRows(suite: string, health: CannonResult): BenchRow[] {
  return [
    { suite, metric: 'GET /health req/s (ceiling)', value: round(health.requests.average, 1), unit: 'req/s', note: `${CONNECTIONS} conn, ${DURATION_S} s` },
    { suite, metric: 'GET /health p50 / p99', value: round(health.latency.p50, 1), unit: 'ms', note: `p99 ${round(health.latency.p99, 1)} ms` },
  ];
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildServer, freePort } from '../test/support/child-server';
import { Autocannon, CannonRequest, CannonResult, autocannon } from './autocannon';
import { BenchRow, median, round } from './support';

/**
 * The server as `npm start` runs it (compiled JS, its own process) on a fresh data directory.
 * BENCH_SERVER_ROOT points at another checkout (an older commit) to measure the same way; `built`
 * skips compiling it again (a later round of the same bench).
 */
export async function startServerProcess(env: Record<string, string> = {}, built = false): Promise<{ server: ChildServer; stop: () => Promise<void> }> {
  const root = process.env.BENCH_SERVER_ROOT ?? join(__dirname, '..');
  if (!built && process.env.BENCH_SKIP_BUILD !== '1') execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
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

/**
 * One endpoint's figures over several rounds, each beside the /health ceiling measured just before
 * it in the same round: medians, with every round's ratio in the note (a noisy spell on the shared
 * machine moves one round, not the median).
 */
export function roundsBesideHealth(suite: string, label: string, results: readonly CannonResult[], healths: readonly CannonResult[]): BenchRow[] {
  const ratios = results.map((r, i) => r.requests.average / healths[i].requests.average);
  const p99s = results.map((r, i) => r.latency.p99 / Math.max(1, healths[i].latency.p99));
  const list = (values: readonly number[]) => values.map((v) => round(v, 2)).join(' / ');
  const codes = [...new Set(results.flatMap((r) => Object.keys(r.statusCodeStats)))].join(' ');
  const errors = results.reduce((n, r) => n + r.errors + r.timeouts, 0);
  const { median: m, rounds } = over(results.length);
  const note = `${CONNECTIONS} conn, ${DURATION_S} s${rounds}, server in its own process, SQLITE_SYNCHRONOUS=FULL (status ${codes}; errors + timeouts ${errors})`;
  return [
    { suite, metric: `${label} req/s${m}`, value: round(median(results.map((r) => r.requests.average)), 1), unit: 'req/s', note: `${list(results.map((r) => r.requests.average))}; ${note}` },
    { suite, metric: `${label} p50 / p99${m}`, value: round(median(results.map((r) => r.latency.p50)), 1), unit: 'ms', note: `p99 ${list(results.map((r) => r.latency.p99))} ms` },
    { suite, metric: `${label} throughput / health${m}`, value: round(median(ratios), 2), unit: 'x', note: `rounds ${list(ratios)}; target >= 0.5` },
    { suite, metric: `${label} p99 / health p99${m}`, value: round(median(p99s), 2), unit: 'x', note: `rounds ${list(p99s)}; target <= 2` },
  ];
}

/** The /health ceiling over one or more rounds (medians when several). */
export function healthRoundRows(suite: string, healths: readonly CannonResult[]): BenchRow[] {
  const list = (values: readonly number[]) => values.map((v) => round(v, 0)).join(' / ');
  const { median: m } = over(healths.length);
  return [
    { suite, metric: `GET /health req/s (ceiling${m ? ', median' : ''})`, value: round(median(healths.map((h) => h.requests.average)), 1), unit: 'req/s', note: `${list(healths.map((h) => h.requests.average))}; ${CONNECTIONS} conn, ${DURATION_S} s` },
    { suite, metric: `GET /health p50 / p99${m}`, value: round(median(healths.map((h) => h.latency.p50)), 1), unit: 'ms', note: `p99 ${list(healths.map((h) => h.latency.p99))} ms` },
  ];
}

/** Label suffixes: a single run's figures are its own, several rounds' are medians. */
function over(count: number): { median: string; rounds: string } {
  return count > 1 ? { median: ' (median)', rounds: ` x ${count} rounds` } : { median: '', rounds: '' };
}

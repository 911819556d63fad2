import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtService } from '../../src/infrastructure/auth/jwt';
import { TEST_JWT_SECRET, TestApp, startTestApp } from '../support/app';
import { ChildServer, freePort } from '../support/child-server';

jest.setTimeout(240_000);

interface Answer {
  status: number | null;
  error: string | null;
  ms: number;
  bytesSent: number;
}

/**
 * A request whose body is written by `writer` at its own pace; resolves with the answer's status, or
 * the socket error if the server cut the connection (both count as "refused").
 */
type Write = (chunk: Buffer | string) => Promise<void>;

function slowRequest(base: string, path: string, headers: Record<string, string>, writer: (write: Write, done: () => void, stopped: () => boolean) => Promise<void>, limitMs: number): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    let bytesSent = 0;
    const finish = (status: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ status, error, ms: Date.now() - started, bytesSent });
    };
    const url = new URL(path, base);
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers });
    const timer = setTimeout(() => finish(null, 'no answer in time'), limitMs);
    req.on('response', (res) => {
      res.resume();
      finish(res.statusCode ?? null, null);
    });
    req.on('error', (e) => finish(null, e.message));
    // Honours backpressure: a chunk counts as sent once the socket took it, not when it was queued.
    const write: Write = (chunk) =>
      new Promise((done) => {
        if (settled) return done();
        const flushed = req.write(chunk);
        bytesSent += chunk.length;
        if (flushed) done();
        else {
          const go = () => {
            req.off('close', go);
            req.off('drain', go);
            done();
          };
          req.once('drain', go);
          req.once('close', go);
        }
      });
    writer(write, () => req.end(), () => settled).catch((e: unknown) => finish(null, String(e)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('security: transport limits', () => {
  it('a flood of forged tokens naming a user does not rate-limit that user; 429 carries Retry-After', async () => {
    const app: TestApp = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '20' } });
    try {
      const forged = new JwtService('attacker-secret-0123456789').sign({ sub: 'victim', tenant: 'acme', roles: ['labeler'] });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await fetch(`${app.baseUrl}/api/v2/ml-training/examples`, { headers: { authorization: `Bearer ${forged}` } })).status);
      const real = app.token({ sub: 'victim', tenant: 'acme', roles: ['labeler'] });
      const mine = await fetch(`${app.baseUrl}/api/v2/ml-training/examples`, { headers: { authorization: `Bearer ${real}` } });
      console.log(`throttle figures: ${JSON.stringify({ forged: statuses.length, forgedAnswers: [...new Set(statuses)], victimAfterFlood: mine.status })}`);
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
      expect(mine.status).toBe(200);
      let limited: Response | null = null;
      for (let i = 0; i < 40 && !limited; i++) {
        const res = await fetch(`${app.baseUrl}/api/v2/ml-training/examples`, { headers: { authorization: `Bearer ${real}` } });
        if (res.status === 429) limited = res;
      }
      expect(limited?.status).toBe(429);
      expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });

  it('a slow body is cut off at the request time limit, JSON and multipart alike', async () => {
    const app = await startTestApp({ env: { REQUEST_TIMEOUT_MS: '1500' } });
    try {
      const token = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
      const trickle = async (write: Write, _done: () => void, stopped: () => boolean) => {
        for (let i = 0; i < 60 && !stopped(); i++) {
          await write(' ');
          await sleep(250);
        }
      };
      const json = await slowRequest(app.baseUrl, '/api/v2/sync/events', { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': '200' }, trickle, 8000);
      const multipart = await slowRequest(app.baseUrl, '/api/v2/meter-readings', { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=xyz', 'content-length': '200' }, trickle, 8000);
      console.log(`slow body figures: ${JSON.stringify({ json, multipart })}`);
      for (const answer of [json, multipart]) expect({ status: answer.status, error: answer.error }).toEqual({ status: 408, error: null });
    } finally {
      await app.close();
    }
  });

  it('a multipart flood of fields is refused before it is buffered: the server RSS stays bounded', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flywheel-flood-'));
    const server = new ChildServer(dataDir, await freePort());
    await server.start();
    try {
      const pid = server.pid as number;
      const rssMb = (field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
      const token = new JwtService(TEST_JWT_SECRET).sign({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
      const before = rssMb('VmRSS');
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb('VmRSS'))), 25);
      const megabyte = 'x'.repeat(1024 * 1024);
      const flood = async (write: Write, done: () => void, stopped: () => boolean) => {
        for (let i = 0; i < 300 && !stopped(); i++) await write(`--xyz\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\n${megabyte}\r\n`);
        if (!stopped()) await write('--xyz--\r\n');
        done();
      };
      // Without a content-length node sends the body chunked: only the multipart limits can stop it.
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=xyz' };
      const chunked = await slowRequest(server.baseUrl, '/api/v2/meter-readings', headers, flood, 120_000);
      const declared = await slowRequest(server.baseUrl, '/api/v2/meter-readings', { ...headers, 'content-length': String(300 * 1024 * 1024) }, flood, 120_000);
      clearInterval(sampler);
      const figures = { rssBeforeMb: Math.round(before), rssPeakMb: Math.round(Math.max(peak, rssMb('VmRSS'))), chunked, declared };
      console.log(`multipart flood figures: ${JSON.stringify(figures)}`);
      for (const answer of [chunked, declared]) {
        expect(answer.status === 413 || answer.status === 400 || answer.error !== null).toBe(true);
        // Refused within the first few fields: the server stopped reading long before the end.
        expect(answer.bytesSent).toBeLessThan(50 * 1024 * 1024);
      }
      expect(figures.rssPeakMb - figures.rssBeforeMb).toBeLessThan(120);
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

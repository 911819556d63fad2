import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_JWT_SECRET, TestApp, startTestApp } from '../support/app';
import { cliError, runCli } from '../support/cli';
import { checkedFetch } from '../support/wire';

/** What a script or cron job checks: the exit code, and one JSON error line on stderr. */
describe('CLI exit codes and errors', () => {
  let app: TestApp;
  const env = () => ({ DATA_DIR: app.dataDir, JWT_SECRET: TEST_JWT_SECRET });

  beforeAll(async () => {
    app = await startTestApp();
  }, 240_000);
  afterAll(() => app.close());

  it('a version that does not exist: exit 1, not_found as one JSON line, nothing on stdout', async () => {
    const r = await runCli(['models:activate', 'v_nope'], env());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(cliError(r).error).toMatchObject({ code: 'not_found' });
    expect(cliError(r).error.message).toContain('v_nope');
  }, 240_000);

  it('training refused by a rule (too little data): exit 1', async () => {
    const r = await runCli(['models:train', '--days-back', '2'], env());
    expect(r.code).toBe(1);
    expect(cliError(r).error.code).toBe('unprocessable');
  }, 120_000);

  it('bad input and bad usage: exit 2', async () => {
    const badValue = await runCli(['models:train', '--days-back', 'two'], env());
    expect(badValue.code).toBe(2);
    expect(cliError(badValue).error).toMatchObject({ code: 'usage' });
    const unknown = await runCli(['models:frobnicate'], env());
    expect(unknown.code).toBe(2);
    expect(cliError(unknown).error.code).toBe('usage');
    const missingArgument = await runCli(['streams:verify'], env());
    expect(missingArgument.code).toBe(2);
  }, 120_000);

  it('streams:verify of a stream that does not exist: exit 1 (and 404 over REST)', async () => {
    const r = await runCli(['streams:verify', 'reading-does-not-exist'], env());
    expect(r.code).toBe(1);
    expect(cliError(r).error.code).toBe('not_found');
    const auditor = app.token({ sub: 'aud', tenant: 'acme', roles: ['auditor'] });
    const res = await checkedFetch(app.baseUrl, '/api/v2/audit/streams/reading-does-not-exist/verify', { headers: { authorization: `Bearer ${auditor}` } });
    expect(res.status).toBe(404);
  }, 120_000);

  it('a store that cannot be reached: exit 4', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-unreachable-'));
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    try {
      const r = await runCli(['projections:list'], { DATA_DIR: join(dir, 'not-a-dir', 'data'), JWT_SECRET: TEST_JWT_SECRET });
      expect(r.code).toBe(4);
      expect(cliError(r).error.code).toBe('store_unreachable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('npm run token resolves configuration like the server', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'cli-token-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('with no secret to be found: exit 2 naming JWT_SECRET and DATA_DIR, and creates nothing', async () => {
    const r = await runCli(['token', '--tenant', 'acme', '--sub', 'u1', '--roles', 'guard'], {}, 120_000, { cwd: work, bareEnv: true });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(cliError(r).error.message).toMatch(/JWT_SECRET/);
    expect(cliError(r).error.message).toMatch(/DATA_DIR/);
    expect(readdirSync(work)).toEqual([]);
  }, 120_000);

  it('--tenant is required', async () => {
    const r = await runCli(['token', '--sub', 'u1', '--roles', 'guard'], { JWT_SECRET: TEST_JWT_SECRET }, 120_000, { cwd: work, bareEnv: true });
    expect(r.code).toBe(2);
    expect(cliError(r).error.message).toContain('--tenant');
  }, 120_000);

  it('reads DATA_DIR from a .env file in the working directory: the token works against a server that generated its secret there', async () => {
    const server = await startTestApp({ env: { JWT_SECRET: '' } });
    try {
      writeFileSync(join(work, '.env'), `# local settings\nDATA_DIR=${server.dataDir}\n`);
      const r = await runCli(['token', '--tenant', 'acme', '--sub', 'ops1', '--roles', 'ops'], {}, 120_000, { cwd: work, bareEnv: true });
      expect(r.code).toBe(0);
      const res = await checkedFetch(server.baseUrl, '/api/v2/ops/projections', { headers: { authorization: `Bearer ${r.stdout.trim()}` } });
      expect(res.status).toBe(200);
      expect(readdirSync(work)).toEqual(['.env']);
    } finally {
      await server.close();
    }
  }, 240_000);

  it('the environment wins over .env', async () => {
    writeFileSync(join(work, '.env'), 'JWT_SECRET=too-short\n');
    const r = await runCli(['token', '--tenant', 'acme', '--sub', 'u1', '--roles', 'guard'], { JWT_SECRET: TEST_JWT_SECRET }, 120_000, { cwd: work, bareEnv: true });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('.')).toHaveLength(3);
  }, 120_000);
});

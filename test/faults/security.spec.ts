import { createHmac } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_JWT_SECRET, TestApp, startTestApp } from '../support/app';
import { renderMeterPhoto } from '../support/photos';
import { waitQuiet } from '../support/read-models';
import { photoForm } from '../readings/readings-helpers';
import { ScriptedOcrEngine } from '../training/training-helpers';

jest.setTimeout(180_000);

interface Raw {
  status: number;
  text: string;
  headers: Headers;
}

/** Every answer of this suite, by finding, for the report's figures. */
const answers: Record<string, Record<number, number>> = {};

async function send(app: TestApp, finding: string, method: string, path: string, options: { token?: string; json?: unknown; body?: string | FormData; headers?: Record<string, string> } = {}): Promise<Raw> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const res = await fetch(`${app.baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  const tally = (answers[finding] ??= {});
  tally[res.status] = (tally[res.status] ?? 0) + 1;
  return { status: res.status, text, headers: res.headers };
}

/** A token with hand-written claims, correctly signed: the claims are what is under test. */
function handToken(claimsJson: string): string {
  const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(claimsJson).toString('base64url');
  const signature = createHmac('sha256', TEST_JWT_SECRET).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

const cursorOf = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

describe('security: one tenant token never reaches another tenant or the server', () => {
  const ocr = new ScriptedOcrEngine();
  let app: TestApp;
  let acme: { guard: string; auditor: string; all: string };
  let globexAuditor: string;
  let acmeReading = '';

  beforeAll(async () => {
    app = await startTestApp({ ocrEngine: ocr, env: { METRICS_TOKEN: 'scrape-token-0123456789' } });
    const roles = ['guard', 'labeler', 'ml_engineer', 'auditor', 'ops'];
    acme = {
      guard: app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] }),
      auditor: app.token({ sub: 'aud', tenant: 'acme', roles: ['auditor'] }),
      all: app.token({ sub: 'ops', tenant: 'acme', roles }),
    };
    globexAuditor = app.token({ sub: 'aud', tenant: 'globex', roles: ['auditor'] });
    const photo = await renderMeterPhoto('7719');
    ocr.script(photo, '7719', 0.3);
    const reading = await send(app, 'setup', 'POST', '/api/v2/meter-readings', { token: acme.guard, body: photoForm({ asset_id: 'acme-asset' }, photo) });
    expect(reading.status).toBe(201);
    acmeReading = String((JSON.parse(reading.text) as { reading_id: string }).reading_id);
    const sync = await send(app, 'setup', 'POST', '/api/v2/sync/events', { token: acme.guard, json: { sync_id: 's1', entity_type: 'meter', entity_id: 'm1', device_id: 'd1', fields: ['value'] } });
    expect(sync.status).toBe(201);
    await waitQuiet(app.baseUrl, acme.all);
  });

  afterAll(async () => {
    console.log(`security figures: ${JSON.stringify(answers)}`);
    await app?.close();
  });

  it('a second tenant auditor gets 404 or nothing of the first tenant on every audit path; platform streams stay readable', async () => {
    const mine = await send(app, 'audit', 'GET', '/api/v2/audit/events?limit=1000', { token: acme.auditor });
    const streams = (JSON.parse(mine.text) as { items: { stream: string }[] }).items.map((e) => e.stream);
    const acmeStreams = [...new Set(streams)].filter((s) => !/^(model|ocr_calibration)-/.test(s));
    expect(acmeStreams).toEqual(expect.arrayContaining([`reading-${acmeReading}`, 'sync-acme_s1']));
    const theirs = await send(app, 'audit', 'GET', '/api/v2/audit/events?limit=1000', { token: globexAuditor });
    expect(theirs.status).toBe(200);
    expect(theirs.text).not.toContain('acme');
    for (const stream of acmeStreams) {
      expect({ stream, status: (await send(app, 'audit', 'GET', `/api/v2/audit/streams/${stream}/events`, { token: globexAuditor })).status }).toEqual({ stream, status: 404 });
      expect({ stream, status: (await send(app, 'audit', 'GET', `/api/v2/audit/streams/${stream}/verify`, { token: globexAuditor })).status }).toEqual({ stream, status: 404 });
      expect((await send(app, 'audit', 'GET', `/api/v2/audit/streams/${stream}/verify`, { token: acme.auditor })).status).toBe(200);
    }
    const missing = await send(app, 'audit', 'GET', '/api/v2/audit/streams/meter_reading-nothing-here/events', { token: globexAuditor });
    expect(missing.status).toBe(404);
    const platform = [...new Set(streams)].filter((s) => /^(model|ocr_calibration)-/.test(s));
    expect(platform.length).toBeGreaterThan(0);
    for (const stream of platform) expect((await send(app, 'audit', 'GET', `/api/v2/audit/streams/${stream}/events`, { token: globexAuditor })).status).toBe(200);
    // No token may claim the platform's own tenant name.
    const platformToken = app.token({ sub: 'aud', tenant: 'platform', roles: ['auditor'] });
    expect((await send(app, 'audit', 'GET', '/api/v2/audit/events', { token: platformToken })).status).toBe(401);
  });

  it('tenant, user and key triples that join to the same string give different ids (or the token is refused)', async () => {
    const triples = [
      { tenant: 'acme:eu', sub: 'u1', key: 'k1' },
      { tenant: 'acme', sub: 'eu', key: 'u1:k1' },
      { tenant: 'acme', sub: 'eu:u1', key: 'k1' },
    ];
    const ids: string[] = [];
    const photo = await renderMeterPhoto('1234');
    for (const t of triples) {
      const token = app.token({ sub: t.sub, tenant: t.tenant, roles: ['guard'] });
      const res = await send(app, 'ids', 'POST', '/api/v2/meter-readings', { token, body: photoForm({ asset_id: 'a1' }, photo), headers: { 'idempotency-key': t.key } });
      expect({ t, status: res.status }).toEqual({ t, status: t.tenant.includes(':') || t.sub.includes(':') ? 401 : 201 });
      if (res.status === 201) ids.push(String((JSON.parse(res.text) as { reading_id: string }).reading_id));
    }
    const other = await send(app, 'ids', 'POST', '/api/v2/meter-readings', { token: app.token({ sub: 'eu', tenant: 'acme', roles: ['guard'] }), body: photoForm({ asset_id: 'a' }, photo), headers: { 'idempotency-key': 'u1:k2' } });
    ids.push(String((JSON.parse(other.text) as { reading_id: string }).reading_id));
    expect(ids.length).toBe(2);
    expect(new Set(ids).size).toBe(ids.length);
    // Sync streams: tenant `acme_x` sync `s1` and tenant `acme` sync `x_s1` must not meet.
    const squatter = app.token({ sub: 'g1', tenant: 'acme_x', roles: ['guard'] });
    const squat = await send(app, 'ids', 'POST', '/api/v2/sync/events', { token: squatter, json: { sync_id: 's1', entity_type: 'meter', entity_id: 'm9', device_id: 'd9', fields: ['value'] } });
    expect(squat.status).toBe(401);
    const victim = await send(app, 'ids', 'POST', '/api/v2/sync/events', { token: acme.guard, json: { sync_id: 'x_s1', entity_type: 'meter', entity_id: 'm1', device_id: 'd1', fields: ['value'] } });
    expect(victim.status).toBe(201);
    expect(victim.text).not.toContain('acme_x');
  });

  it('deep JSON, nested cursors and non-finite token claims are refused with 400 and 401, never 500', async () => {
    const deep = `{"entity_type":"meter","entity_id":"m1","device_id":"d1","fields":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const res = await send(app, 'hostile', 'POST', '/api/v2/sync/events', { token: acme.guard, body: deep, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    const lists = ['/api/v2/ml-training/examples', '/api/v2/ml-training/datasets', '/api/v2/ml/predictions', '/api/v2/ocr/calibrations'];
    for (const path of lists) {
      for (let n = 1; n <= 4; n++) {
        for (const nested of [[1], { a: 1 }]) {
          const cursor = cursorOf(Array.from({ length: n }, () => nested));
          const answer = await send(app, 'hostile', 'GET', `${path}?cursor=${cursor}`, { token: acme.all });
          expect({ path, n, nested, status: answer.status }).toEqual({ path, n, nested, status: 400 });
        }
      }
    }
    for (const claim of ['"exp":1e999', '"exp":1e999,"nbf":-1e999', '"exp":4102444800,"nbf":-1e999']) {
      const token = handToken(`{"sub":"aud","tenant":"acme","roles":["auditor"],${claim}}`);
      expect({ claim, status: (await send(app, 'hostile', 'GET', '/api/v2/audit/events', { token })).status }).toEqual({ claim, status: 401 });
    }
  });

  it('unauthenticated /metrics names no tenant; the scrape token sees the detail', async () => {
    const open = await send(app, 'metrics', 'GET', '/metrics');
    expect(open.status).toBe(200);
    expect(open.text).toContain('flywheel_alert_active');
    expect(open.text).not.toContain('acme');
    const scraped = await send(app, 'metrics', 'GET', '/metrics', { token: 'scrape-token-0123456789' });
    expect(scraped.text).toContain('tenant:acme');
    expect((await send(app, 'metrics', 'GET', '/metrics', { token: 'wrong-token' })).status).toBe(401);
  });

  it('the data directory, database and blobs are private to the service user', async () => {
    const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
    expect({ dir: mode(app.dataDir) }).toEqual({ dir: '700' });
    const files = readdirSync(app.dataDir).filter((f) => f.startsWith('flywheel.db'));
    expect(files).toEqual(expect.arrayContaining(['flywheel.db', 'flywheel.db-wal']));
    for (const f of files) expect({ f, mode: mode(join(app.dataDir, f)) }).toEqual({ f, mode: '600' });
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? [join(dir, d.name), ...walk(join(dir, d.name))] : [join(dir, d.name)]));
    const blobs = [join(app.dataDir, 'blobs'), ...walk(join(app.dataDir, 'blobs'))];
    expect(blobs.length).toBeGreaterThan(2);
    for (const p of blobs) expect({ p, mode: mode(p) }).toEqual({ p, mode: statSync(p).isDirectory() ? '700' : '600' });
  });

  it('plain HTTP serving sends no TLS upgrade and no HSTS', async () => {
    const res = await send(app, 'headers', 'GET', '/health');
    expect(res.headers.get('content-security-policy') ?? '').not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('the labeling backlog answers labelers only', async () => {
    for (const role of ['ml_engineer', 'ops', 'guard', 'auditor']) {
      const token = app.token({ sub: 'r', tenant: 'acme', roles: [role] });
      expect({ role, status: (await send(app, 'roles', 'GET', '/api/v2/ml-training/labeling-backlog', { token })).status }).toEqual({ role, status: 403 });
    }
    const labeler = app.token({ sub: 'r', tenant: 'acme', roles: ['labeler'] });
    expect((await send(app, 'roles', 'GET', '/api/v2/ml-training/labeling-backlog', { token: labeler })).status).toBe(200);
  });
});

describe('security: TLS headers only behind a TLS proxy', () => {
  it('BEHIND_TLS_PROXY=true sends HSTS and upgrade-insecure-requests', async () => {
    const app = await startTestApp({ env: { BEHIND_TLS_PROXY: 'true' } });
    try {
      const res = await fetch(`${app.baseUrl}/health`);
      expect(res.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    } finally {
      await app.close();
    }
  });
});

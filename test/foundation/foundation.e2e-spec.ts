import Database from 'better-sqlite3';
import { join } from 'node:path';
import { EVENT_STORE, EventStore } from '../../src/ports/event-store.port';
import { TestApp, startTestApp } from '../support/app';
import { newEvent } from '../contracts/event-store.contract';
import { checkedFetch } from '../support/wire';

interface AuditEvent {
  stream: string;
  revision: number;
  position: string;
  type: string;
  data: { n: number };
  metadata: { tenantId: string; schemaVersion: number; hash: string };
}
interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
const body = async <T>(res: Response): Promise<T> => (await res.json()) as T;

describe('foundation over HTTP', () => {
  let app: TestApp;
  let auditor: string;
  const get = (path: string, token?: string) => checkedFetch(app.baseUrl, path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    app = await startTestApp();
    auditor = app.token({ sub: 'aud1', tenant: 't1', roles: ['auditor'] });
    const store = app.app.get<EventStore>(EVENT_STORE);
    await store.append('ledger-1', [newEvent('ThingRecorded', { n: 1 }), newEvent('ThingRecorded', { n: 2 }), newEvent('ThingRecorded', { n: 3 })], 'no_stream');
    await store.append('ledger-2', [newEvent('OtherRecorded', { n: 9 })], 'no_stream');
  });
  afterAll(() => app.close());

  it('reports health without a token', async () => {
    const res = await get('/health');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', ready: true, event_store: { kind: 'sqlite', status: 'up' }, read_store: { kind: 'sqlite', status: 'up' } });
  });

  it('serves Prometheus metrics with HTTP latency, events appended and projection lag', async () => {
    await get('/health');
    expect((await get('/api/v2/meter-readings/00000000-0000-4000-8000-000000000000')).status).toBe(401);
    const text = await (await get('/metrics')).text();
    expect(text).toContain('http_request_duration_seconds_bucket');
    // Labeled by route template, and a refused request is measured too.
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} \d+/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/v2\/meter-readings\/:id",status="401"\} 1/);
    expect(text).toMatch(/events_appended_total \d+/);
    expect(text).toContain('projection_lag');
  });

  it('answers 401 without or with a bad token, 403 with a wrong role', async () => {
    expect((await get('/api/v2/audit/events')).status).toBe(401);
    expect((await get('/api/v2/audit/events', 'not.a.token')).status).toBe(401);
    const wrongSecret = app.token({ sub: 'x', tenant: 'acme', roles: ['auditor'] }).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await get('/api/v2/audit/events', wrongSecret)).status).toBe(401);
    const guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    const res = await get('/api/v2/audit/events', guard);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ status_code: 403, error: 'Forbidden' });
  });

  it('rejects alg none, expired and not-yet-valid tokens', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', tenant: 'acme', roles: ['auditor'], exp: now + 600 })}.`;
    expect((await get('/api/v2/audit/events', none)).status).toBe(401);
    const expired = app.token({ sub: 'x', tenant: 'acme', roles: ['auditor'] }, { nowSeconds: now - 7200, expiresInSeconds: 600 });
    expect((await get('/api/v2/audit/events', expired)).status).toBe(401);
    const future = app.token({ sub: 'x', tenant: 'acme', roles: ['auditor'] }, { nbf: now + 3600 });
    expect((await get('/api/v2/audit/events', future)).status).toBe(401);
  });

  it('returns a stream and all events as stored, in the snake_case envelope, with pagination', async () => {
    const stream = await body<Page<AuditEvent>>(await get('/api/v2/audit/streams/ledger-1/events?limit=2', auditor));
    expect(stream.items).toHaveLength(2);
    expect(stream.items[0]).toMatchObject({ stream: 'ledger-1', revision: 0, type: 'ThingRecorded', data: { n: 1 }, metadata: { tenantId: 't1', schemaVersion: 1 } });
    expect(stream.items[0].position).toMatch(/^\d+$/);
    expect(stream.items[0].metadata.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stream.next_cursor).toBe('2');
    const filtered = await body<Page<AuditEvent>>(await get('/api/v2/audit/events?type=OtherRecorded', auditor));
    expect(filtered.items.map((e) => e.stream)).toEqual(['ledger-2']);
    const from = await body<Page<AuditEvent>>(await get(`/api/v2/audit/events?from_position=${stream.items[1].position}&limit=2`, auditor));
    expect(from.items.map((e) => e.data.n)).toEqual([2, 3]);
    expect((await get('/api/v2/audit/events?limit=5000', auditor)).status).toBe(400);
  });

  it('verifies a stream chain, and names the first broken revision after a row is edited in the file', async () => {
    const ok = await (await get('/api/v2/audit/streams/ledger-1/verify', auditor)).json();
    expect(ok).toMatchObject({ valid: true, events_checked: 3, first_broken_revision: null });
    const raw = new Database(join(app.dataDir, 'flywheel.db'));
    raw.prepare(`UPDATE events SET data = '{"n":20}' WHERE stream = 'ledger-1' AND revision = 1`).run();
    raw.close();
    const broken = await (await get('/api/v2/audit/streams/ledger-1/verify', auditor)).json();
    expect(broken).toMatchObject({ valid: false, first_broken_revision: 1 });
  });

  it('lists projections for ops and accepts a rebuild request with 202, 404 for an unknown one', async () => {
    const ops = app.token({ sub: 'o1', tenant: 'acme', roles: ['ops'] });
    const list = await body<Page<{ name: string }>>(await get('/api/v2/ops/projections', ops));
    expect(Array.isArray(list.items)).toBe(true);
    const unknown = await checkedFetch(app.baseUrl, '/api/v2/ops/projections/nope/rebuild', { method: 'POST', headers: { authorization: `Bearer ${ops}` } });
    expect(unknown.status).toBe(404);
    expect(list.items.length).toBeGreaterThan(0);
    const res = await checkedFetch(app.baseUrl, `/api/v2/ops/projections/${list.items[0].name}/rebuild`, { method: 'POST', headers: { authorization: `Bearer ${ops}` } });
    expect(res.status).toBe(202);
  });

  it('honours min_position: waits for read models, 503 with Retry-After when it cannot be reached', async () => {
    const head = Number((await body<{ event_store: { head_position: string } }>(await get('/health'))).event_store.head_position);
    expect((await get(`/api/v2/audit/events?min_position=${head}`, auditor)).status).toBe(200);
    const res = await get(`/api/v2/audit/events?min_position=${head + 1000}`, auditor);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await get('/api/v2/audit/events?min_position=abc', auditor)).status).toBe(400);
  });

  it('serves the OpenAPI description', async () => {
    // The document itself is not an answer of the API (its keys are OpenAPI's, camelCase).
    const doc = await body<{ paths: Record<string, unknown> }>(await fetch(`${app.baseUrl}/api/docs-json`));
    expect(doc.paths['/api/v2/audit/streams/{stream}/verify']).toBeDefined();
  });
});

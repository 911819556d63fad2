import { TestApp, startTestApp } from '../support/app';

/** Request limits and security headers, on an app with small limits. */
describe('request limits and security headers', () => {
  let app: TestApp;
  const headPosition = async (): Promise<string> => ((await (await fetch(`${app.baseUrl}/health`)).json()) as { event_store: { head_position: string } }).event_store.head_position;

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '20', MAX_UPLOAD_MB: '1' } });
  });
  afterAll(() => app.close());

  it('sets security headers (helmet)', async () => {
    const res = await fetch(`${app.baseUrl}/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('answers 413 for a JSON body over MAX_UPLOAD_MB and appends nothing', async () => {
    const before = await headPosition();
    const guard = app.token({ sub: 'big', tenant: 'acme', roles: ['guard'] });
    const body = JSON.stringify({ entity_type: 'work_order', entity_id: 'wo-1', device_id: 'd1', fields: ['x'.repeat(2 * 1024 * 1024)] });
    const res = await fetch(`${app.baseUrl}/api/v2/sync/events`, { method: 'POST', headers: { authorization: `Bearer ${guard}`, 'content-type': 'application/json' }, body });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ status_code: 413, error: 'Payload Too Large' });
    expect(await headPosition()).toBe(before);
  });

  it('answers 400 for malformed JSON', async () => {
    const guard = app.token({ sub: 'bad-json', tenant: 'acme', roles: ['guard'] });
    const res = await fetch(`${app.baseUrl}/api/v2/sync/events`, { method: 'POST', headers: { authorization: `Bearer ${guard}`, 'content-type': 'application/json' }, body: '{"entity_type": ' });
    expect(res.status).toBe(400);
  });

  it('rate limits per user with 429, without affecting another user', async () => {
    const a = app.token({ sub: 'rate-a', tenant: 'acme', roles: ['auditor'] });
    const b = app.token({ sub: 'rate-b', tenant: 'acme', roles: ['auditor'] });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await fetch(`${app.baseUrl}/api/v2/audit/events?limit=1`, { headers: { authorization: `Bearer ${a}` } })).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
    const limited = await fetch(`${app.baseUrl}/api/v2/audit/events?limit=1`, { headers: { authorization: `Bearer ${a}` } });
    expect(await limited.json()).toMatchObject({ status_code: 429, error: 'Too Many Requests' });
    // Blocked for a minute from the first refusal: Retry-After says how long is left.
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(58);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((await fetch(`${app.baseUrl}/api/v2/audit/events?limit=1`, { headers: { authorization: `Bearer ${b}` } })).status).toBe(200);
  });
});

/** REST helpers of the console's browser suites: seeding goes through the public API only, as a client would. */
import sharp from 'sharp';
import { harness, type Json } from './console-browser';
import { UNREADABLE_BLUR } from './photos';
import { assertAnswer, assertWireKeys, servedDocument } from './wire';

const TENANT = 'acme';

export async function call(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${harness.app.baseUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Json = {};
  try {
    parsed = text ? (JSON.parse(text) as Json) : {};
    // Every JSON answer is held to the wire contract (snake_case keys; test/support/wire.ts).
    assertWireKeys(method, path, parsed);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    parsed = { text };
  }
  // And to what the OpenAPI document declares for the operation: its status, and a JSON body's schema.
  const json = (res.headers.get('content-type') ?? '').includes('application/json');
  assertAnswer(await servedDocument(harness.app.baseUrl), { method, path, status: res.status, body: json ? (text ? JSON.parse(text) : null) : text, contentType: res.headers.get('content-type') });
  return { status: res.status, body: parsed };
}

export async function expectStatus(token: string, method: string, path: string, status: number, body?: unknown): Promise<Json> {
  const res = await call(token, method, path, body);
  if (res.status !== status) {
    throw new Error(`${method} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** Lists answer `{ items, next_cursor }` (API.md, Conventions). */
export function items(body: Json): Json[] {
  if (!Array.isArray(body.items)) throw new Error(`expected a list answer, got ${JSON.stringify(body)}`);
  return body.items as Json[];
}

/** Waits until every read model has applied `position` (GET with min_position answers 503 until then); the projections list is ops'. */
export async function caughtUp(position: string): Promise<void> {
  const token = harness.app.token({ sub: 'ops-wait', tenant: TENANT, roles: ['ops'] });
  await eventually(
    async () => (await call(token, 'GET', `/api/v2/ml/models?model_type=conflict_predictor&min_position=${position}`)).status,
    (status) => status === 200,
    `the read models to reach position ${position}`,
    60_000,
  );
}

export function maxPosition(positions: readonly string[]): string {
  return positions.reduce((a, b) => (BigInt(b) > BigInt(a) ? b : a), '0');
}

export async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await probe();
  }
  return last;
}

/** A small meter photo blurred past reading: OCR has low confidence, so the capture keeps it for training. */
export async function blurryMeterPng(digits: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="80">
    <rect width="240" height="80" fill="#c8c8c8"/>
    <text x="18" y="56" font-family="monospace" font-size="44" fill="#404040">${digits}</text></svg>`;
  return sharp(Buffer.from(svg)).blur(UNREADABLE_BLUR).png().toBuffer();
}

export async function uploadReading(token: string, png: Buffer, assetId: string): Promise<Json> {
  const form = new FormData();
  form.append('photo', new Blob([new Uint8Array(png)], { type: 'image/png' }), `${assetId}.png`);
  form.append('asset_id', assetId);
  const res = await fetch(`${harness.app.baseUrl}/api/v2/meter-readings`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  const body = (await res.json()) as Json;
  if (res.status !== 201) throw new Error(`POST /api/v2/meter-readings: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * Back-filled sync history over the last two months (all older than 24 h, so every sync's outcome
 * window is closed), with conflicts where several devices edit the same busy entity: enough signal
 * and both classes in the train and the test split. Each conflict is resolved an hour after its
 * sync, as it would have been at the time (features are point-in-time, by event time). Answers the
 * highest log position written.
 */
export async function seedSyncHistory(guards: string[], count: number): Promise<string> {
  const now = Date.now();
  const fieldsPool = ['status', 'notes', 'meter_value', 'location', 'assignee', 'priority'];
  const positions: string[] = [];
  const jobs: (() => Promise<void>)[] = [];
  for (let i = 0; i < count; i++) {
    const busy = i % 3 === 0;
    const guard = guards[i % guards.length];
    const entityId = busy ? `wo-busy-${i % 4}` : `wo-${i}`;
    const fields = fieldsPool.slice(0, busy ? 4 : 1 + (i % 2));
    const syncedAtMs = now - (2 * 24 + (count - i) * 7) * 3600_000;
    const conflict = busy ? i % 2 === 0 || i % 5 === 0 : i % 11 === 0;
    jobs.push(async () => {
      const sync = await expectStatus(guard, 'POST', '/api/v2/sync/events', 201, {
        entity_type: 'work_order',
        entity_id: entityId,
        device_id: `device-${i % 5}`,
        fields,
        synced_at: new Date(syncedAtMs).toISOString(),
      });
      positions.push(String(sync.position));
      if (!conflict) return;
      const resolved = await expectStatus(guard, 'POST', '/api/v2/sync/conflicts', 201, {
        sync_id: sync.sync_id,
        resolution_type: i % 2 === 0 ? 'server_wins' : 'client_wins',
        resolved_at: new Date(syncedAtMs + 3600_000).toISOString(),
      });
      positions.push(String(resolved.position));
    });
  }
  // Oldest first, a few at a time: the history reads like real back-fill.
  for (let i = 0; i < jobs.length; i += 8) await Promise.all(jobs.slice(i, i + 8).map((j) => j()));
  return maxPosition(positions);
}

import { OpenApiDocument, Received, answerErrors } from './openapi-check';

/**
 * The wire contract, checked on every JSON answer the e2e helpers receive: every object key is
 * snake_case (no upper-case letter), at any depth; and (wireAnswer) the answer is one its
 * operation declares in the served OpenAPI document, fitting the declared schema
 * (openapi-check.ts).
 *
 * The exceptions, all of them here:
 * - events answered by the audit endpoints (`/api/v2/audit/...`): their `data` and `metadata` are
 *   shown exactly as stored (camelCase inside), as the contract says. The envelope around them
 *   (`event_id`, `recorded_at`, …) and every other audit answer (as-of, verify) are still checked.
 * - keys that are data values by nature. One today: an error's `details.fields` names the inputs that
 *   failed, and a request header is named as it is written (`Idempotency-Key`). Body and query
 *   fields are snake_case there like everywhere else. The other maps on the wire are keyed by
 *   metric names, feature names and model versions, all snake_case. Add a rule here if another
 *   appears, never by loosening the walk.
 */

const AUDIT_PREFIX = '/api/v2/audit/';

/** An event of the audit endpoints: its `data` and `metadata` are as stored. */
function isAuditEvent(value: Record<string, unknown>): boolean {
  return typeof value.event_id === 'string' && typeof value.type === 'string' && 'data' in value && 'metadata' in value;
}

/** `Idempotency-Key`: a header name as HTTP writes it, in the `details.fields` of an error answer. */
const HEADER_NAME = /^[A-Z][a-z]*(-[A-Z][a-z]*)+$/;
const isHeaderField = (at: string, key: string): boolean => /(^|\.)details\.fields$/.test(at) && HEADER_NAME.test(key);

/** Every key path (`items[0].holdout.trainFrom`) of `body` whose key has an upper-case letter. */
export function camelCaseKeys(path: string, body: unknown): string[] {
  const audit = new URL(path, 'http://wire.local').pathname.startsWith(AUDIT_PREFIX);
  const found: string[] = [];
  const walk = (value: unknown, at: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${at}[${i}]`));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    const asStored = audit && isAuditEvent(record);
    for (const [key, child] of Object.entries(record)) {
      const here = at ? `${at}.${key}` : key;
      if (/[A-Z]/.test(key) && !isHeaderField(at, key)) found.push(here);
      if (asStored && (key === 'data' || key === 'metadata')) continue;
      walk(child, here);
    }
  };
  walk(body, '');
  return found;
}

/** Throws, naming the endpoint and the offending key paths, when an answer leaks a camelCase key. */
export function assertWireKeys(method: string, path: string, body: unknown): void {
  const keys = camelCaseKeys(path, body);
  if (keys.length > 0) throw new Error(`${method} ${path} answered camelCase keys (the wire is snake_case): ${keys.slice(0, 20).join(', ')}${keys.length > 20 ? `, … (${keys.length})` : ''}`);
}

/** Parses a JSON answer's text and checks its keys; null for an empty body. */
export function wireJson<T>(method: string, path: string, text: string): T {
  const body = (text ? JSON.parse(text) : null) as T;
  assertWireKeys(method, path, body);
  return body;
}

let served: Promise<OpenApiDocument> | null = null;

/** The OpenAPI document the app under test serves (`/api/docs-json`), fetched once per test file. */
export function servedDocument(baseUrl: string): Promise<OpenApiDocument> {
  served ??= fetch(`${baseUrl}/api/docs-json`).then(async (res) => {
    if (!res.ok) throw new Error(`/api/docs-json answered ${res.status}`);
    return (await res.json()) as OpenApiDocument;
  });
  // A failed fetch (the app was restarting) is tried again next time.
  served.catch(() => (served = null));
  return served;
}

/** Throws, naming the endpoint and every difference, when an answer is not what the document declares. */
export function assertAnswer(doc: OpenApiDocument, received: Received): void {
  const errors = answerErrors(doc, received);
  if (errors.length > 0) {
    throw new Error(`${received.method} ${received.path} answered ${received.status} unlike its declared schema: ${errors.slice(0, 10).join('; ')}${errors.length > 10 ? `; … (${errors.length})` : ''}`);
  }
}

/**
 * Reads a response of the app under test and holds it to the contract: snake_case keys, a declared
 * status and the declared schema. The body is parsed as JSON (null when empty).
 */
export async function wireAnswer<T>(baseUrl: string, method: string, path: string, res: Response): Promise<{ status: number; body: T }> {
  const body = wireJson<T>(method, path, await res.text());
  assertAnswer(await servedDocument(baseUrl), { method, path, status: res.status, body, contentType: res.headers.get('content-type') });
  return { status: res.status, body };
}

/**
 * `fetch` for an answer that is not read as JSON by the test (a photo, CSV, an archive, metrics) or
 * that it reads itself: held to the contract like wireAnswer (status and media type declared, a JSON
 * body's keys and schema), and returned unread.
 */
export async function checkedFetch(baseUrl: string, path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`${baseUrl}${path}`, init);
  const method = init.method ?? 'GET';
  const contentType = res.headers.get('content-type');
  const body = (contentType ?? '').startsWith('application/json') ? wireJson(method, path, await res.clone().text()) : null;
  assertAnswer(await servedDocument(baseUrl), { method, path, status: res.status, body, contentType });
  return res;
}

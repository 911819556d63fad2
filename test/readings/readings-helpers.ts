import { setTimeout as sleep } from 'node:timers/promises';
import { TestApp } from '../support/app';
import { wireAnswer } from '../support/wire';

export interface Answer<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

export async function call<T = Record<string, unknown>>(app: TestApp, method: string, path: string, options: { token?: string; json?: unknown; form?: FormData; headers?: Record<string, string> } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | FormData | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) body = options.form;
  const send = () => fetch(`${app.baseUrl}${path}`, { method, headers, body });
  // After app.restart() a pooled keep-alive socket may point at the closed server: retry once.
  const res = await send().catch(() => send());
  // Every answer is held to the wire contract: snake_case keys and the schema the OpenAPI document declares (test/support/wire.ts).
  return wireAnswer<T>(app.baseUrl, method, path, res);
}

export function photoForm(fields: Record<string, string>, photo?: Buffer, filename = 'photo.png'): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (photo) form.append('photo', new Blob([photo]), filename);
  return form;
}

/** Retries `probe` until it returns a value (sagas run asynchronously after the answer). */
export async function eventually<T>(probe: () => Promise<T | null | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(50);
  }
}

export interface ExampleItem {
  example_id: string;
  source_system: string;
  source_id: string;
  status: string;
  uncertainty_score: number;
  confidence: number | null;
  raw_text: string | null;
  ground_truth_text: string | null;
  corrected: boolean;
}

export async function examplesOf(app: TestApp, token: string, sourceId: string, minPosition?: string): Promise<ExampleItem[]> {
  const q = `source_id=${encodeURIComponent(sourceId)}${minPosition ? `&min_position=${minPosition}` : ''}`;
  const res = await call<{ items: ExampleItem[] }>(app, 'GET', `/api/v2/ml-training/examples?${q}`, { token });
  if (res.status !== 200) throw new Error(`examples answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.items;
}

/** All events in the log (as an auditor sees them), optionally of one type. */
export async function auditEvents(app: TestApp, token: string, type?: string): Promise<Array<{ type: string; stream: string; data: Record<string, unknown> }>> {
  const res = await call<{ items: Array<{ type: string; stream: string; data: Record<string, unknown> }> }>(app, 'GET', `/api/v2/audit/events?limit=1000${type ? `&type=${type}` : ''}`, { token });
  if (res.status !== 200) throw new Error(`audit answered ${res.status}`);
  return res.body.items;
}

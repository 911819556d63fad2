import { wireAnswer } from '../support/wire';

/** A tiny JSON client for the e2e suites of sync and predictions. */
export interface JsonResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

export function client(baseUrl: () => string, token: string) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<JsonResponse<T>> {
    const send = () =>
      fetch(`${baseUrl()}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    // After an app restart a pooled keep-alive socket may point at the closed server: one retry.
    const res = await send().catch(() => send());
    // Every answer is held to the wire contract: snake_case keys and the schema the OpenAPI document declares (test/support/wire.ts).
    return wireAnswer<T>(baseUrl(), method, path, res);
  }
  return {
    get: <T = Record<string, unknown>>(path: string) => call<T>('GET', path),
    post: <T = Record<string, unknown>>(path: string, body?: unknown) => call<T>('POST', path, body ?? {}),
  };
}

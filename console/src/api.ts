/** Thin client for the REST contract (../shared/API.md): bearer token, snake_case JSON, read-your-writes. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

type Query = Record<string, string | number | undefined | null>;

function isDigits(s: unknown): s is string {
  return typeof s === 'string' && /^\d+$/.test(s);
}

export class ApiClient {
  /**
   * Highest log position any command answered; sent as `min_position` on every later GET so
   * the read models we look at already contain our own writes.
   */
  private position: bigint | null = null;

  constructor(
    private readonly token: string,
    private readonly onUnauthorized: () => void,
  ) {}

  get minPosition(): string | null {
    return this.position === null ? null : this.position.toString();
  }

  notePosition(answer: unknown): void {
    const p = (answer as { position?: unknown } | null)?.position;
    if (isDigits(p)) {
      const v = BigInt(p);
      if (this.position === null || v > this.position) this.position = v;
    }
  }

  async get<T>(path: string, query: Query = {}): Promise<T> {
    const res = await this.getRaw(path, query);
    return (await res.json()) as T;
  }

  /** GET that returns the response itself (for images and other non-JSON bodies). */
  async getRaw(path: string, query: Query = {}): Promise<Response> {
    const q: Query = { ...query };
    if (this.minPosition !== null) q.min_position = this.minPosition;
    const url = withQuery(path, q);
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(url, { headers: this.headers() });
      // 503 + Retry-After: the read model has not caught up with our position yet.
      if (res.status === 503 && attempt < 3) {
        const after = Number(res.headers.get('Retry-After') ?? '1');
        await sleep(Math.min(Number.isFinite(after) ? after : 1, 3) * 1000);
        continue;
      }
      await this.check(res);
      return res;
    }
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    const res = await fetch(path, {
      method: 'POST',
      headers: { ...this.headers(), 'Content-Type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    await this.check(res);
    const text = await res.text();
    const json = (text ? JSON.parse(text) : {}) as T;
    this.notePosition(json);
    return json;
  }

  private headers(): Record<string, string> {
    return { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
  }

  private async check(res: Response): Promise<void> {
    if (res.ok) return;
    let message = res.statusText || `HTTP ${res.status}`;
    let details: unknown;
    try {
      // The error envelope of API.md: { status_code, error, message, details? }.
      const body = (await res.json()) as { message?: unknown; details?: unknown };
      if (typeof body.message === 'string') message = body.message;
      details = body.details;
    } catch {
      /* not JSON: keep the status text */
    }
    if (res.status === 401) this.onUnauthorized();
    throw new ApiError(res.status, message, details);
  }
}

export function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

import { TestApp } from '../../support/app';
import { call } from '../../readings/readings-helpers';

/** One event as the audit endpoints answer it: data and metadata exactly as stored. */
export interface AuditedEvent {
  event_id: string;
  stream: string;
  position: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown> & { actorId: string; tenantId: string | null; schemaVersion: number };
  recorded_at: string;
}

/** A whole stream, oldest first, paged through the audit endpoint as an auditor would. */
export async function streamEvents(app: TestApp, auditor: string, stream: string): Promise<AuditedEvent[]> {
  const out: AuditedEvent[] = [];
  let from = 0;
  for (;;) {
    const res = await call<{ items: AuditedEvent[]; next_cursor: string | null }>(app, 'GET', `/api/v2/audit/streams/${stream}/events?from_revision=${from}&limit=1000`, { token: auditor });
    if (res.status !== 200) throw new Error(`audit ${stream} answered ${res.status}`);
    out.push(...res.body.items);
    if (!res.body.next_cursor) return out;
    from = Number(res.body.next_cursor);
  }
}

/** The log head of a stream (revision and hash of its last event); null when it does not exist. */
export async function streamHead(app: TestApp, auditor: string, stream: string): Promise<{ revision: number; hash: unknown; count: number } | null> {
  // A missing stream is 404, like another tenant's.
  const probe = await call(app, 'GET', `/api/v2/audit/streams/${stream}/events?limit=1`, { token: auditor });
  if (probe.status === 404) return null;
  const events = await streamEvents(app, auditor, stream);
  const last = events[events.length - 1];
  return last ? { revision: last.revision, hash: last.metadata.hash, count: events.length } : null;
}

export async function verifyStream(app: TestApp, auditor: string, stream: string): Promise<{ valid: boolean; events_checked: number; first_broken_revision: number | null }> {
  const res = await call<{ valid: boolean; events_checked: number; first_broken_revision: number | null }>(app, 'GET', `/api/v2/audit/streams/${stream}/verify`, { token: auditor });
  if (res.status !== 200) throw new Error(`verify ${stream} answered ${res.status}`);
  return res.body;
}

/** Counts statuses; the faults suite reports them and asserts on the classes. */
export function tally(statuses: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
}

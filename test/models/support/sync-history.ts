import { HOUR_MS, MINUTE_MS } from '../../../src/domain/shared/clock';
import { Random, seededRandom } from '../../../src/ml/prng';
import { TestApp } from '../../support/app';

/**
 * A scripted sync history with a known signal, seeded through the sync endpoints (back-dated with
 * synced_at / resolved_at), so training sees exactly what production would.
 *
 * Every user syncs their own entity at gaps that are either short (0.3-3 h) or long (10-40 h);
 * short gaps conflict far more often. heuristic_v1 rewards long gaps (+0.10 after 24 h), so it
 * ranks this history badly and a trained model beats it clearly. Optionally, "visitors" edit a
 * user's entity a minute after them (one concurrent editor, full field overlap) and conflict with
 * probability `visitorConflict`: a second signal a model trained before it appeared cannot know.
 */
export interface HistorySpec {
  readonly seed: string;
  readonly users: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly shortConflict: number;
  readonly longConflict: number;
  readonly visitorRate?: number;
  readonly visitorConflict?: number;
  /** Prefix of sync ids, so two phases never collide. */
  readonly prefix: string;
}

export interface PlannedSync {
  readonly syncId: string;
  readonly user: string;
  readonly entityId: string;
  readonly at: number;
  readonly fields: string[];
  readonly conflict: boolean;
}

export function planHistory(spec: HistorySpec, random: Random = seededRandom(spec.seed)): PlannedSync[] {
  const out: PlannedSync[] = [];
  for (let u = 0; u < spec.users; u++) {
    const user = `user${u}`;
    let t = spec.fromMs + random() * 6 * HOUR_MS;
    let n = 0;
    for (;;) {
      // The gap before a sync (what hours_since_last_sync sees) decides its conflict odds.
      const shortGap = random() < 0.5;
      t += (shortGap ? 0.3 + random() * 2.7 : 10 + random() * 30) * HOUR_MS;
      if (t >= spec.toMs) break;
      const conflict = random() < (shortGap ? spec.shortConflict : spec.longConflict);
      out.push({ syncId: `${spec.prefix}-${user}-${n++}`, user, entityId: `e-${user}`, at: Math.floor(t), fields: ['value', 'note'], conflict });
      if (spec.visitorRate && random() < spec.visitorRate) {
        const visitor = `user${(u + 1 + Math.floor(random() * (spec.users - 1))) % spec.users}`;
        const vt = Math.floor(t + MINUTE_MS + random() * MINUTE_MS);
        if (vt < spec.toMs) out.push({ syncId: `${spec.prefix}-${user}-${n++}-v`, user: visitor, entityId: `e-${user}`, at: vt, fields: ['value'], conflict: random() < (spec.visitorConflict ?? 0) });
      }
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

async function inBatches<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/** Posts the syncs, then their conflicts (10 minutes after each sync); answers the last log position. */
export async function seedHistory(app: TestApp, plan: readonly PlannedSync[], options: { syncs?: boolean; conflicts?: boolean; tenant?: string } = {}): Promise<string> {
  const tenant = options.tenant ?? 'acme';
  const tokens = new Map<string, string>();
  const token = (user: string) => {
    let t = tokens.get(user);
    if (!t) tokens.set(user, (t = app.token({ sub: user, tenant, roles: ['guard'] })));
    return t;
  };
  let last = 0;
  const post = async (user: string, path: string, body: unknown) => {
    const res = await fetch(`${app.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token(user)}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json()) as { position?: string; message?: string };
    if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${json.message ?? ''}`);
    last = Math.max(last, Number(json.position));
  };
  await inBatches(options.syncs === false ? [] : plan, 16, (s) =>
    post(s.user, '/api/v2/sync/events', { sync_id: s.syncId, entity_type: 'meter', entity_id: s.entityId, device_id: `d-${s.user}`, fields: s.fields, synced_at: new Date(s.at).toISOString() }),
  );
  await inBatches(
    options.conflicts === false ? [] : plan.filter((s) => s.conflict),
    16,
    (s) => post(s.user, '/api/v2/sync/conflicts', { sync_id: s.syncId, resolution_type: 'server_wins', conflict_id: `c-${s.syncId}`, resolved_at: new Date(s.at + 10 * MINUTE_MS).toISOString() }),
  );
  return String(last);
}

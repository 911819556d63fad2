import { RecordedEvent } from '../../domain/shared/events';
import { ConflictResolved, SyncRecorded, entityKey } from '../../domain/sync/sync.events';
import { Doc } from '../../ports/read-store.port';
import { ProjectionView } from '../../runtime/projection';
import { ENTITY_HISTORY, USER_HISTORY, conflictFeaturesProjection } from './conflict-features.projection';
import { EntityHistoryDoc, UserHistoryDoc, bucketIdsAt, featuresFromHistory, userKey } from './conflict-history';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

class MemoryView implements ProjectionView {
  readonly docs = new Map<string, Doc>();
  async get<T extends Doc>(collection: string, id: string): Promise<T | null> {
    return (this.docs.get(`${collection}|${id}`) as T | undefined) ?? null;
  }
  peek<T extends Doc>(collection: string, id: string): T | null | undefined {
    return this.docs.get(`${collection}|${id}`) as T | undefined;
  }
  put(collection: string, id: string, doc: Doc): void {
    this.docs.set(`${collection}|${id}`, doc);
  }
  remove(collection: string, id: string): void {
    this.docs.delete(`${collection}|${id}`);
  }
}

let position = 0;
function sync(syncId: string, userId: string, entityId: string, at: number, fields: string[], tenantId = 'acme'): RecordedEvent {
  const data: SyncRecorded['data'] = { syncId, tenantId, userId, deviceId: 'd', entityType: 'meter', entityId, fields, syncedAt: new Date(at).toISOString() };
  return event('SyncRecorded', data, tenantId);
}
function conflict(syncId: string, userId: string, entityId: string, at: number, tenantId = 'acme'): RecordedEvent {
  const data: ConflictResolved['data'] = {
    conflictId: `c-${syncId}-${at}`,
    syncId,
    tenantId,
    userId,
    entityType: 'meter',
    entityId,
    syncedAt: new Date(at).toISOString(),
    resolutionType: 'merged',
    resolvedBy: userId,
    resolvedAt: new Date(at).toISOString(),
  };
  return event('ConflictResolved', data, tenantId);
}
function event(type: string, data: Record<string, unknown>, tenantId: string): RecordedEvent {
  position += 1;
  return {
    eventId: `e${position}`,
    stream: 's',
    revision: 0,
    position,
    type,
    data,
    recordedAt: '',
    metadata: { tenantId, actorId: 'a', correlationId: 'c', causationId: null, occurredAt: '', schemaVersion: 1 },
  };
}

async function featuresAt(view: MemoryView, userId: string, entityId: string, fields: string[], at: number, syncId?: string, tenant = 'acme') {
  const entity = entityKey(tenant, 'meter', entityId);
  const userDocs = await Promise.all(bucketIdsAt(userKey(tenant, userId), at).map((id) => view.get<UserHistoryDoc>(USER_HISTORY, id)));
  const entityDocs = await Promise.all(bucketIdsAt(entity, at).map((id) => view.get<EntityHistoryDoc>(ENTITY_HISTORY, id)));
  return featuresFromHistory({ syncId, userId, entityKey: entity, at, fields }, userDocs, entityDocs);
}

describe('conflict-features projection', () => {
  let view: MemoryView;
  beforeEach(async () => {
    view = new MemoryView();
    // Given a scripted history around T0 on entity m1 (and a little elsewhere).
    const history = [
      sync('a-old', 'alice', 'm1', T0 - 31 * DAY, ['value']), // outside the 30-day window
      conflict('a-old', 'alice', 'm1', T0 - 31 * DAY + MIN),
      sync('a-1', 'alice', 'm1', T0 - 10 * DAY, ['value']),
      conflict('a-1', 'alice', 'm1', T0 - 10 * DAY + MIN),
      sync('a-2', 'alice', 'm2', T0 - 2 * HOUR, ['unit']),
      sync('b-1', 'bob', 'm1', T0 - 6 * MIN, ['value']), // just outside the 5-minute window
      sync('c-1', 'carol', 'm1', T0 - 5 * MIN, ['value', 'unit']), // exactly on its edge: counts
      sync('d-1', 'dave', 'm1', T0 - 1 * MIN, ['note']),
      sync('x-1', 'erin', 'm1', T0 - 1 * MIN, ['value'], 'other'), // another tenant: never counts
      sync('later', 'frank', 'm1', T0 + 1 * MIN, ['value']), // after T0
      conflict('a-2', 'alice', 'm2', T0 + 2 * MIN),
    ];
    for (const e of history) await conflictFeaturesProjection.apply(e, view);
  });

  it('counts other editors in the 5-minute window, closed at both ends', async () => {
    const f = await featuresAt(view, 'alice', 'm1', ['value'], T0);
    expect(f.concurrent_editors).toBe(2); // carol, dave; not bob (6 min), not frank (later), not erin (other tenant)
    expect(f.field_overlap_score).toBe(1); // carol edited value
    expect((await featuresAt(view, 'alice', 'm1', ['value', 'serial'], T0)).field_overlap_score).toBe(0.5);
  });

  it('uses the 30-day windows for conflict rate and edit frequency', async () => {
    const f = await featuresAt(view, 'alice', 'm1', ['value'], T0);
    // alice's syncs in 30 days: a-1, a-2; conflicted: a-1 (a-old and its conflict are 31 days back)
    expect(f.user_conflict_rate).toBe(0.5);
    // m1 syncs in 30 days up to T0 in tenant acme: a-1, b-1, c-1, d-1
    expect(f.entity_edit_frequency).toBeCloseTo(4 / 30, 12);
    expect(f.hours_since_last_sync).toBeCloseTo(2, 12);
  });

  it('a past moment ignores later events', async () => {
    // 30 s after a-1: a-old (21 days back) is in the window; a-1's conflict (+1 min) and all of T0's syncs are not yet known.
    const f = await featuresAt(view, 'alice', 'm1', ['value'], T0 - 10 * DAY + 30 * 1000);
    expect(f.concurrent_editors).toBe(0);
    expect(f.hours_since_last_sync).toBeCloseTo(30 / 3600, 12);
    expect(f.user_conflict_rate).toBe(0.5); // a-old conflicted, a-1 not yet
    expect(f.entity_edit_frequency).toBeCloseTo(2 / 30, 12);
    expect(f.field_overlap_score).toBe(0);
  });

  it("a sync's own features leave it and its conflict out", async () => {
    const f = await featuresAt(view, 'alice', 'm1', ['value'], T0 - 10 * DAY, 'a-1');
    expect(f.hours_since_last_sync).toBe(168); // a-old is 21 days back: capped
    expect(f.user_conflict_rate).toBe(1); // only a-old, which conflicted
    expect(f.entity_edit_frequency).toBeCloseTo(1 / 30, 12);
  });

  it('is harmless to replay into the same documents', async () => {
    await conflictFeaturesProjection.apply(sync('a-1', 'alice', 'm1', T0 - 10 * DAY, ['value']), view);
    const f = await featuresAt(view, 'alice', 'm1', ['value'], T0);
    expect(f.entity_edit_frequency).toBeCloseTo(4 / 30, 12);
  });
});

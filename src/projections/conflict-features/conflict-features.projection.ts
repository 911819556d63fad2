import { RecordedEvent, isEventOf } from '../../domain/shared/events';
import { ConflictResolved, SyncRecorded, entityKey } from '../../domain/sync/sync.events';
import { Projection, ProjectionView } from '../../runtime/projection';
import {
  EntityHistoryDoc,
  SyncDoc,
  UserHistoryDoc,
  addEntitySync,
  addUserConflict,
  addUserSync,
  bucketId,
  periodOf,
  userKey,
} from './conflict-history';

export const ENTITY_HISTORY = 'conflict_features_entity_history';
export const USER_HISTORY = 'conflict_features_user_history';
export const SYNCS = 'conflict_features_syncs';

function syncDocId(tenantId: string, syncId: string): string {
  return `${tenantId}/${syncId}`;
}

/** Where a sync is counted: its period, the entity's and the user's history buckets, its own document. */
function syncKeys(d: SyncRecorded['data']) {
  const at = Date.parse(d.syncedAt);
  const period = periodOf(at);
  const entity = entityKey(d.tenantId, d.entityType, d.entityId);
  const user = userKey(d.tenantId, d.userId);
  return { at, period, entity, user, entityId: bucketId(entity, period), userId: bucketId(user, period), syncId: syncDocId(d.tenantId, d.syncId) };
}

/** Where a conflict is counted: its period, the user's history bucket, the sync's document. */
function conflictKeys(d: ConflictResolved['data']) {
  const at = Date.parse(d.resolvedAt);
  const period = periodOf(at);
  const user = userKey(d.tenantId, d.userId);
  return { at, period, user, userId: bucketId(user, period), syncId: syncDocId(d.tenantId, d.syncId) };
}

/** The documents an event reads, for the runner to load a batch's at once. */
function documentsRead(event: RecordedEvent): Array<[string, string]> {
  if (isEventOf<SyncRecorded>(event, 'SyncRecorded')) {
    const k = syncKeys(event.data);
    return [
      [ENTITY_HISTORY, k.entityId],
      [USER_HISTORY, k.userId],
      [SYNCS, k.syncId],
    ];
  }
  if (isEventOf<ConflictResolved>(event, 'ConflictResolved')) {
    const k = conflictKeys(event.data);
    return [
      [USER_HISTORY, k.userId],
      [SYNCS, k.syncId],
    ];
  }
  return [];
}

async function applySync(event: RecordedEvent<SyncRecorded['data']>, view: ProjectionView): Promise<void> {
  const d = event.data;
  const { at, period, entity, user, entityId, userId, syncId } = syncKeys(d);
  view.put(ENTITY_HISTORY, entityId, addEntitySync(await view.get<EntityHistoryDoc>(ENTITY_HISTORY, entityId), entity, period, { s: d.syncId, u: d.userId, at, f: d.fields }));
  view.put(USER_HISTORY, userId, addUserSync(await view.get<UserHistoryDoc>(USER_HISTORY, userId), user, period, { s: d.syncId, e: entity, at }));
  const doc: SyncDoc = { sync_id: d.syncId, tenant: d.tenantId, user_id: d.userId, entity_key: entity, fields: d.fields, at, synced_at: d.syncedAt, conflict_ats: [] };
  const existing = await view.get<SyncDoc>(SYNCS, syncId);
  view.put(SYNCS, syncId, existing ? { ...doc, conflict_ats: existing.conflict_ats } : doc);
}

async function applyConflict(event: RecordedEvent<ConflictResolved['data']>, view: ProjectionView): Promise<void> {
  const d = event.data;
  const { at, period, user, userId, syncId } = conflictKeys(d);
  view.put(USER_HISTORY, userId, addUserConflict(await view.get<UserHistoryDoc>(USER_HISTORY, userId), user, period, { s: d.syncId, at }));
  const sync = await view.get<SyncDoc>(SYNCS, syncId);
  if (sync) view.put(SYNCS, syncId, { ...sync, conflict_ats: [...sync.conflict_ats, at] });
}

/**
 * Sync and conflict history for point-in-time features and training rows. Documents are keyed so
 * that a replayed event is skipped by the runner's position guard and never counted twice.
 */
export const conflictFeaturesProjection: Projection = {
  name: 'conflict-features',
  version: 1,
  collections: [ENTITY_HISTORY, USER_HISTORY, SYNCS],
  indexes: { [SYNCS]: [['at']] },
  eventTypes: ['SyncRecorded', 'ConflictResolved'],
  prefetch: documentsRead,
  async apply(event, view) {
    if (isEventOf<SyncRecorded>(event, 'SyncRecorded')) await applySync(event, view);
    else if (isEventOf<ConflictResolved>(event, 'ConflictResolved')) await applyConflict(event, view);
  },
};

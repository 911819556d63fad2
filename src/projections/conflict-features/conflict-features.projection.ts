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

/** The documents an event reads, for the runner to load a batch's at once. */
function documentsRead(event: RecordedEvent): Array<[string, string]> {
  if (isEventOf<SyncRecorded>(event, 'SyncRecorded')) {
    const d = event.data;
    const period = periodOf(Date.parse(d.syncedAt));
    return [
      [ENTITY_HISTORY, bucketId(entityKey(d.tenantId, d.entityType, d.entityId), period)],
      [USER_HISTORY, bucketId(userKey(d.tenantId, d.userId), period)],
      [SYNCS, syncDocId(d.tenantId, d.syncId)],
    ];
  }
  if (isEventOf<ConflictResolved>(event, 'ConflictResolved')) {
    const d = event.data;
    return [
      [USER_HISTORY, bucketId(userKey(d.tenantId, d.userId), periodOf(Date.parse(d.resolvedAt)))],
      [SYNCS, syncDocId(d.tenantId, d.syncId)],
    ];
  }
  return [];
}

async function applySync(event: RecordedEvent<SyncRecorded['data']>, view: ProjectionView): Promise<void> {
  const d = event.data;
  const at = Date.parse(d.syncedAt);
  const period = periodOf(at);
  const entity = entityKey(d.tenantId, d.entityType, d.entityId);
  const user = userKey(d.tenantId, d.userId);
  const entityId = bucketId(entity, period);
  const userId = bucketId(user, period);
  view.put(ENTITY_HISTORY, entityId, addEntitySync(await view.get<EntityHistoryDoc>(ENTITY_HISTORY, entityId), entity, period, { s: d.syncId, u: d.userId, at, f: d.fields }));
  view.put(USER_HISTORY, userId, addUserSync(await view.get<UserHistoryDoc>(USER_HISTORY, userId), user, period, { s: d.syncId, e: entity, at }));
  const doc: SyncDoc = { sync_id: d.syncId, tenant: d.tenantId, user_id: d.userId, entity_key: entity, fields: d.fields, at, synced_at: d.syncedAt, conflict_ats: [] };
  const existing = await view.get<SyncDoc>(SYNCS, syncDocId(d.tenantId, d.syncId));
  view.put(SYNCS, syncDocId(d.tenantId, d.syncId), existing ? { ...doc, conflict_ats: existing.conflict_ats } : doc);
}

async function applyConflict(event: RecordedEvent<ConflictResolved['data']>, view: ProjectionView): Promise<void> {
  const d = event.data;
  const at = Date.parse(d.resolvedAt);
  const period = periodOf(at);
  const user = userKey(d.tenantId, d.userId);
  const userId = bucketId(user, period);
  view.put(USER_HISTORY, userId, addUserConflict(await view.get<UserHistoryDoc>(USER_HISTORY, userId), user, period, { s: d.syncId, at }));
  const id = syncDocId(d.tenantId, d.syncId);
  const sync = await view.get<SyncDoc>(SYNCS, id);
  if (sync) view.put(SYNCS, id, { ...sync, conflict_ats: [...sync.conflict_ats, at] });
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

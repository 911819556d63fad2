import { DomainEvent } from '../shared/events';

/**
 * Events of one sync's stream, `sync-<tenant>_<syncId>`. Times are ISO 8601 as the client (or the
 * clock, when the client gave none) reported them: `syncedAt` may lie in the past for back-filled
 * history, which is why features are computed by event time, not arrival order.
 */
export type SyncRecorded = DomainEvent<
  'SyncRecorded',
  {
    syncId: string;
    tenantId: string;
    userId: string;
    deviceId: string;
    entityType: string;
    entityId: string;
    fields: string[];
    syncedAt: string;
  }
>;

/**
 * One conflict of a sync, resolved. A sync may conflict more than once (several fields); features
 * count conflicted syncs, not conflict records. `userId` is the sync's user, copied so that the
 * features projection needs no lookup; `resolvedAt` is when the conflict became known.
 */
export type ConflictResolved = DomainEvent<
  'ConflictResolved',
  {
    conflictId: string;
    syncId: string;
    tenantId: string;
    userId: string;
    entityType: string;
    entityId: string;
    syncedAt: string;
    resolutionType: string;
    /** The fields the conflict was on, when the client named them (absent: the sync as a whole). */
    fields?: string[];
    resolvedBy: string;
    resolvedAt: string;
  }
>;

export type SyncEvent = SyncRecorded | ConflictResolved;

/** How a conflict may be resolved (the documented list; anything else is a 400). */
export const RESOLUTION_TYPES = ['manual', 'client_wins', 'server_wins', 'merged', 'discarded'] as const;
export type ResolutionType = (typeof RESOLUTION_TYPES)[number];

export const SYNC_EVENT_TYPES = ['SyncRecorded', 'ConflictResolved'] as const;

export function syncStreamId(tenantId: string, syncId: string): string {
  return `${tenantId}_${syncId}`;
}

/** Entity keys include the tenant: features are computed within a tenant, never across. */
export function entityKey(tenantId: string, entityType: string, entityId: string): string {
  return `${tenantId}/${entityType}/${entityId}`;
}

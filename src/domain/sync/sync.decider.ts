import { Decider } from '../shared/decider';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, assertNever } from '../shared/errors';
import { ConflictResolved, SyncEvent, SyncRecorded } from './sync.events';

export type SyncState =
  | { readonly status: 'none' }
  | {
      readonly status: 'recorded';
      readonly sync: SyncRecorded['data'];
      readonly conflicts: ReadonlyMap<string, ConflictResolved['data']>;
    };

export interface RecordSync {
  readonly type: 'RecordSync';
  readonly syncId: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly deviceId: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly fields: readonly string[];
  readonly syncedAt: string;
  /** False when `syncedAt` defaulted to the clock: a retry then matches whatever time the first had. */
  readonly syncedAtGiven: boolean;
}

export interface ResolveConflict {
  readonly type: 'ResolveConflict';
  readonly conflictId: string;
  readonly syncId: string;
  readonly tenantId: string;
  readonly resolutionType: string;
  /** Named fields, or null when the request named none. */
  readonly fields: readonly string[] | null;
  readonly resolvedBy: string;
  readonly resolvedAt: string;
  readonly resolvedAtGiven: boolean;
}

export type SyncCommand = RecordSync | ResolveConflict;

/** Fields are a set: duplicates dropped, order kept, so a retry with the same set is the same sync. */
export function normaliseFields(fields: readonly string[]): string[] {
  return [...new Set(fields)];
}

function sameFields(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((f) => sa.has(f));
}

/**
 * A repeated `sync_id` is idempotent: the same content answers as the first time and appends
 * nothing; different content is a 409 (a client reusing an id for another edit is a bug we must
 * not hide by overwriting history).
 */
function decideRecord(command: RecordSync, state: SyncState): SyncEvent[] {
  if (state.status === 'recorded') {
    const s = state.sync;
    if (s.tenantId !== command.tenantId) throw new ForbiddenError('sync_id belongs to another tenant', { sync_id: command.syncId });
    const same =
      s.userId === command.userId &&
      s.deviceId === command.deviceId &&
      s.entityType === command.entityType &&
      s.entityId === command.entityId &&
      sameFields(s.fields, command.fields) &&
      (!command.syncedAtGiven || Date.parse(s.syncedAt) === Date.parse(command.syncedAt));
    if (same) return [];
    throw new ConflictError(`sync ${command.syncId} was already recorded with different content`, { sync_id: command.syncId });
  }
  return [
    {
      type: 'SyncRecorded',
      data: {
        syncId: command.syncId,
        tenantId: command.tenantId,
        userId: command.userId,
        deviceId: command.deviceId,
        entityType: command.entityType,
        entityId: command.entityId,
        fields: normaliseFields(command.fields),
        syncedAt: new Date(command.syncedAt).toISOString(),
      },
    },
  ];
}

/**
 * The conflict a request repeats, if any: the same conflict_id (or Idempotency-Key, which names
 * one), or the same resolution type on the same sync and, when the request names fields, on the
 * same fields. A sync may still conflict several times on different fields.
 */
export function repeatedConflict(state: SyncState, command: ResolveConflict): ConflictResolved['data'] | undefined {
  if (state.status === 'none') return undefined;
  const byId = state.conflicts.get(command.conflictId);
  if (byId) return byId;
  for (const c of state.conflicts.values()) {
    if (c.resolutionType !== command.resolutionType) continue;
    if (command.fields === null || sameFields(c.fields ?? [], command.fields)) return c;
  }
  return undefined;
}

function decideConflict(command: ResolveConflict, state: SyncState): SyncEvent[] {
  if (state.status === 'none' || state.sync.tenantId !== command.tenantId) {
    throw new NotFoundError(`unknown sync ${command.syncId}`, { sync_id: command.syncId });
  }
  const existing = repeatedConflict(state, command);
  if (existing) {
    if (existing.conflictId !== command.conflictId) return [];
    const same =
      existing.resolutionType === command.resolutionType &&
      (command.fields === null || sameFields(existing.fields ?? [], command.fields)) &&
      (!command.resolvedAtGiven || Date.parse(existing.resolvedAt) === Date.parse(command.resolvedAt));
    if (same) return [];
    throw new ConflictError(`conflict ${command.conflictId} was already recorded with different content`, { conflict_id: command.conflictId });
  }
  const s = state.sync;
  if (command.resolvedAtGiven && Date.parse(command.resolvedAt) < Date.parse(s.syncedAt)) {
    throw new ValidationError('resolved_at is before the sync it resolves', { fields: { resolved_at: ['must not be before the sync\'s synced_at'] } });
  }
  // A conflict cannot be known before its sync happened (a sync stamped slightly ahead of the clock).
  const resolvedAtMs = Math.max(Date.parse(command.resolvedAt), Date.parse(s.syncedAt));
  return [
    {
      type: 'ConflictResolved',
      data: {
        conflictId: command.conflictId,
        syncId: s.syncId,
        tenantId: s.tenantId,
        userId: s.userId,
        entityType: s.entityType,
        entityId: s.entityId,
        syncedAt: s.syncedAt,
        resolutionType: command.resolutionType,
        ...(command.fields !== null ? { fields: normaliseFields(command.fields) } : {}),
        resolvedBy: command.resolvedBy,
        resolvedAt: new Date(resolvedAtMs).toISOString(),
      },
    },
  ];
}

export const syncDecider: Decider<SyncState, SyncCommand, SyncEvent> = {
  initialState: { status: 'none' },
  evolve(state, event) {
    switch (event.type) {
      case 'SyncRecorded':
        return { status: 'recorded', sync: event.data, conflicts: new Map() };
      case 'ConflictResolved': {
        if (state.status === 'none') return state;
        const conflicts = new Map(state.conflicts);
        conflicts.set(event.data.conflictId, event.data);
        return { ...state, conflicts };
      }
      default:
        return assertNever(event, 'sync event');
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'RecordSync':
        return decideRecord(command, state);
      case 'ResolveConflict':
        return decideConflict(command, state);
      default:
        return assertNever(command, 'sync command');
    }
  },
};

/**
 * The conflict-features read model, as pure data and functions. History is kept in 30-day period
 * buckets per entity and per user, so the features of any moment are a read of two buckets each
 * (the target's period and the one before cover the whole 30-day window) and never a scan. A
 * bucket only ever holds one period, so documents stay bounded however long the history grows,
 * and past moments (training rows for 90 days back) are answered as well as the present.
 */
import { CURRENT_FEATURE_DEFINITION, ConflictFeatures, FeatureDefinition, PriorConflict, PriorSync, computeConflictFeatures } from '../../ml/conflict-features';

export const PERIOD_MS = 30 * 24 * 3600 * 1000;

export interface EntitySyncEntry extends Record<string, unknown> {
  /** sync id */
  readonly s: string;
  /** user id */
  readonly u: string;
  /** epoch ms */
  readonly at: number;
  readonly f: readonly string[];
}

export interface UserSyncEntry extends Record<string, unknown> {
  readonly s: string;
  /** entity key (tenant/type/id) */
  readonly e: string;
  readonly at: number;
}

export interface UserConflictEntry extends Record<string, unknown> {
  readonly s: string;
  readonly at: number;
}

export interface EntityHistoryDoc extends Record<string, unknown> {
  readonly entity_key: string;
  readonly period: number;
  readonly syncs: readonly EntitySyncEntry[];
}

export interface UserHistoryDoc extends Record<string, unknown> {
  readonly user_key: string;
  readonly period: number;
  readonly syncs: readonly UserSyncEntry[];
  readonly conflicts: readonly UserConflictEntry[];
}

/** One document per sync: what training rows and labels are built from. */
export interface SyncDoc extends Record<string, unknown> {
  readonly sync_id: string;
  readonly tenant: string;
  readonly user_id: string;
  readonly entity_key: string;
  readonly fields: readonly string[];
  readonly at: number;
  readonly synced_at: string;
  /** When each of its conflicts became known (epoch ms). */
  readonly conflict_ats: readonly number[];
}

export function periodOf(atMs: number): number {
  return Math.floor(atMs / PERIOD_MS);
}

export function userKey(tenantId: string, userId: string): string {
  return `${tenantId}/${userId}`;
}

export function bucketId(key: string, period: number): string {
  return `${key}@${period}`;
}

/** The two buckets that cover [at - 30 d, at]. */
export function bucketIdsAt(key: string, atMs: number): [string, string] {
  const p = periodOf(atMs);
  return [bucketId(key, p - 1), bucketId(key, p)];
}

export function addEntitySync(doc: EntityHistoryDoc | null, entity: string, period: number, entry: EntitySyncEntry): EntityHistoryDoc {
  const base = doc ?? { entity_key: entity, period, syncs: [] };
  if (base.syncs.some((s) => s.s === entry.s)) return base;
  return { ...base, syncs: [...base.syncs, entry] };
}

export function addUserSync(doc: UserHistoryDoc | null, user: string, period: number, entry: UserSyncEntry): UserHistoryDoc {
  const base = doc ?? { user_key: user, period, syncs: [], conflicts: [] };
  if (base.syncs.some((s) => s.s === entry.s)) return base;
  return { ...base, syncs: [...base.syncs, entry] };
}

export function addUserConflict(doc: UserHistoryDoc | null, user: string, period: number, entry: UserConflictEntry): UserHistoryDoc {
  const base = doc ?? { user_key: user, period, syncs: [], conflicts: [] };
  return { ...base, conflicts: [...base.conflicts, entry] };
}

export interface HistoryTarget {
  readonly syncId?: string;
  /** The user's id within the tenant (the user docs given are this user's). */
  readonly userId: string;
  readonly entityKey: string;
  readonly at: number;
  readonly fields: readonly string[];
}

/**
 * Point-in-time features from the buckets around `target.at`. A sync appears in both its user's
 * and its entity's bucket: merged by id so it counts once. computeConflictFeatures drops anything
 * later than `at`, so a past moment never sees later events.
 */
export function featuresFromHistory(
  target: HistoryTarget,
  userDocs: readonly (UserHistoryDoc | null | undefined)[],
  entityDocs: readonly (EntityHistoryDoc | null | undefined)[],
  definition: FeatureDefinition = CURRENT_FEATURE_DEFINITION,
): ConflictFeatures {
  const syncs = new Map<string, PriorSync>();
  const conflicts: PriorConflict[] = [];
  for (const doc of entityDocs) {
    if (!doc) continue;
    for (const s of doc.syncs) syncs.set(s.s, { syncId: s.s, userId: s.u, entityKey: doc.entity_key, at: s.at, fields: s.f });
  }
  for (const doc of userDocs) {
    if (!doc) continue;
    for (const s of doc.syncs) {
      // Entity entries carry the fields; a user entry only adds syncs of other entities.
      if (!syncs.has(s.s)) syncs.set(s.s, { syncId: s.s, userId: target.userId, entityKey: s.e, at: s.at, fields: [] });
    }
    for (const c of doc.conflicts) conflicts.push({ syncId: c.s, userId: target.userId, at: c.at });
  }
  return computeConflictFeatures(target, [...syncs.values()], conflicts, definition);
}

/**
 * Point-in-time features for the conflict predictor. Every feature is computed from events known
 * at or before the target time; the filter lives here, not in callers, so training rows built from
 * a full history cannot leak the future (or the target sync's own outcome) into their features.
 */
export const CONFLICT_FEATURE_NAMES = [
  'concurrent_editors',
  'hours_since_last_sync',
  'user_conflict_rate',
  'entity_edit_frequency',
  'field_overlap_score',
] as const;

export type ConflictFeatureName = (typeof CONFLICT_FEATURE_NAMES)[number];
export type ConflictFeatures = Record<ConflictFeatureName, number>;

export interface FeatureTarget {
  /** When the history may already contain the target sync, name it so it is left out. */
  readonly syncId?: string;
  readonly userId: string;
  readonly entityKey: string;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly fields: readonly string[];
}

export interface PriorSync {
  readonly syncId: string;
  readonly userId: string;
  readonly entityKey: string;
  readonly at: number;
  readonly fields: readonly string[];
}

export interface PriorConflict {
  readonly syncId: string;
  readonly userId: string;
  readonly at: number;
}

/**
 * Versions of the feature definitions. A model is fed the definition it was trained with.
 * 1: `user_conflict_rate` = conflicts *resolved* in the last 30 days / syncs *made* in them, capped
 *    at 1 (a conflict of a sync made before the window counted against syncs inside it).
 * 2: `user_conflict_rate` = share of the user's syncs made in the last 30 days whose conflict was
 *    already known at that moment. One window, so it is a proportion by construction.
 * The other four features are the same in both.
 * The model registry records them as `domain/models/feature-definition.ts` declares them: the same versions.
 */
export const FEATURE_DEFINITIONS = [1, 2] as const;
export type FeatureDefinition = (typeof FEATURE_DEFINITIONS)[number];
export const CURRENT_FEATURE_DEFINITION: FeatureDefinition = 2;
/** Models recorded before definitions were versioned were trained with the first one. */
export const LEGACY_FEATURE_DEFINITION: FeatureDefinition = 1;

export function isFeatureDefinition(n: unknown): n is FeatureDefinition {
  return typeof n === 'number' && (FEATURE_DEFINITIONS as readonly number[]).includes(n);
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
export const CONCURRENCY_WINDOW_MS = 5 * MINUTE_MS;
export const HISTORY_WINDOW_DAYS = 30;
export const HOURS_SINCE_LAST_SYNC_CAP = 168;

/**
 * Windows are closed on both ends: [at - 5 min, at] and [at - 30 d, at]. An event exactly at `at`
 * counts (it is known at that instant); anything later never does.
 */
export function computeConflictFeatures(
  target: FeatureTarget,
  syncs: readonly PriorSync[],
  conflicts: readonly PriorConflict[],
  definition: FeatureDefinition = CURRENT_FEATURE_DEFINITION,
): ConflictFeatures {
  const { at } = target;
  const historyFrom = at - HISTORY_WINDOW_DAYS * DAY_MS;
  const seen = scanSyncs(target, syncs, historyFrom);

  const ownFields = new Set(target.fields);
  let overlapping = 0;
  for (const f of ownFields) if (seen.otherFields.has(f)) overlapping++;

  const hoursSince = Number.isFinite(seen.previousSyncAt)
    ? Math.min(HOURS_SINCE_LAST_SYNC_CAP, (at - seen.previousSyncAt) / HOUR_MS)
    : HOURS_SINCE_LAST_SYNC_CAP;

  return {
    concurrent_editors: seen.otherEditors.size,
    hours_since_last_sync: hoursSince,
    user_conflict_rate: conflictRate(target, conflicts, seen.userSyncIds30d, historyFrom, definition),
    entity_edit_frequency: seen.entitySyncs30d / HISTORY_WINDOW_DAYS,
    field_overlap_score: ownFields.size === 0 ? 0 : overlapping / ownFields.size,
  };
}

function isSelf(target: FeatureTarget, syncId: string): boolean {
  return target.syncId !== undefined && syncId === target.syncId;
}

/** One pass over the prior syncs: the user's last sync and 30-day syncs, the entity's, and who else edited it lately. */
function scanSyncs(target: FeatureTarget, syncs: readonly PriorSync[], historyFrom: number) {
  const { at } = target;
  const concurrencyFrom = at - CONCURRENCY_WINDOW_MS;
  const otherEditors = new Set<string>();
  const otherFields = new Set<string>();
  let previousSyncAt = Number.NEGATIVE_INFINITY;
  let entitySyncs30d = 0;
  const userSyncIds30d: string[] = [];
  for (const s of syncs) {
    if (s.at > at || isSelf(target, s.syncId)) continue;
    if (s.userId === target.userId) {
      if (s.at > previousSyncAt) previousSyncAt = s.at;
      if (s.at >= historyFrom) userSyncIds30d.push(s.syncId);
    }
    if (s.entityKey !== target.entityKey) continue;
    if (s.at >= historyFrom) entitySyncs30d++;
    if (s.userId !== target.userId && s.at >= concurrencyFrom) {
      otherEditors.add(s.userId);
      for (const f of s.fields) otherFields.add(f);
    }
  }
  return { otherEditors, otherFields, previousSyncAt, entitySyncs30d, userSyncIds30d };
}

/** The share of the user's 30-day syncs that conflicted. */
function conflictRate(target: FeatureTarget, conflicts: readonly PriorConflict[], userSyncIds30d: readonly string[], historyFrom: number, definition: FeatureDefinition): number {
  // Count conflicted syncs, not conflict records: one sync can conflict on several fields.
  const conflictedSyncs = new Set<string>();
  for (const c of conflicts) {
    if (c.userId !== target.userId || c.at > target.at || isSelf(target, c.syncId)) continue;
    // Definition 1 windows conflicts by when they were resolved; 2 by when their sync was made (below).
    if (definition === 1 && c.at < historyFrom) continue;
    conflictedSyncs.add(c.syncId);
  }
  const userSyncs30d = userSyncIds30d.length;
  if (userSyncs30d === 0) return 0;
  if (definition === 1) return Math.min(1, conflictedSyncs.size / userSyncs30d);
  return userSyncIds30d.filter((id) => conflictedSyncs.has(id)).length / userSyncs30d;
}

/** The model's input vector, in CONFLICT_FEATURE_NAMES order. */
export function toFeatureVector(features: ConflictFeatures): number[] {
  return CONFLICT_FEATURE_NAMES.map((name) => features[name]);
}

export function fromFeatureVector(vector: readonly number[]): ConflictFeatures {
  if (vector.length !== CONFLICT_FEATURE_NAMES.length) {
    throw new Error(`expected ${CONFLICT_FEATURE_NAMES.length} features, got ${vector.length}`);
  }
  const [a, b, c, d, e] = vector;
  return {
    concurrent_editors: a,
    hours_since_last_sync: b,
    user_conflict_rate: c,
    entity_edit_frequency: d,
    field_overlap_score: e,
  };
}

export const HEURISTIC_MODEL_VERSION = 'heuristic_v1';

/** heuristic_v1: the fallback when no model is active or the model fails. */
export function heuristicProbability(features: ConflictFeatures | readonly number[]): number {
  const f = isVector(features) ? fromFeatureVector(features) : features;
  const p =
    0.1 +
    0.15 * f.concurrent_editors +
    (f.hours_since_last_sync > 24 ? 0.1 : 0) +
    0.5 * f.user_conflict_rate +
    0.2 * f.field_overlap_score;
  return Math.min(0.95, p);
}

function isVector(f: ConflictFeatures | readonly number[]): f is readonly number[] {
  return Array.isArray(f);
}

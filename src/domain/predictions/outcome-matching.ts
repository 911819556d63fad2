import { HOUR_MS } from '../shared/clock';
import { RecordOutcome } from './prediction.decider';

/** A prediction without sync_id belongs to the same user's next sync of the entity within this time. */
export const MATCH_WINDOW_MS = 24 * HOUR_MS;

/** A prediction of one user and entity that announced no sync and has not been tied to one yet. */
export interface OpenPrediction {
  readonly id: string;
  /** predictedAt, epoch ms. */
  readonly at: number;
}

export interface SyncMatch {
  /** Every open prediction this sync is the outcome of: all of them, not only the first. */
  readonly matched: readonly OpenPrediction[];
  /** What stays open: predictions made after the sync (a back-filled sync) may still match a later one. */
  readonly open: readonly OpenPrediction[];
}

/**
 * The matching rule. A sync at `syncAtMs` is the *next* sync of the user and entity for every
 * open prediction made at or before it, so it takes all of them that are at most 24 h old; the
 * older ones can never match a later sync and are dropped (the sweep closes them as no sync).
 */
export function matchSyncToOpenPredictions(open: readonly OpenPrediction[], syncAtMs: number): SyncMatch {
  const matched: OpenPrediction[] = [];
  const still: OpenPrediction[] = [];
  for (const o of open) {
    if (o.at > syncAtMs) still.push(o);
    else if (syncAtMs <= o.at + MATCH_WINDOW_MS) matched.push(o);
  }
  return { matched, open: still };
}

/** A conflict of a sync closes every prediction tied to it as a positive outcome, each with its own command. */
export function outcomesOfConflict(
  conflict: { readonly tenantId: string; readonly syncId: string },
  predictionIds: readonly string[],
  threshold: number,
  recordedAt: string,
): RecordOutcome[] {
  return [...new Set(predictionIds)].map((predictionId) => ({
    type: 'RecordOutcome',
    predictionId,
    tenantId: conflict.tenantId,
    syncId: conflict.syncId,
    conflictOccurred: true,
    threshold,
    recordedAt,
  }));
}

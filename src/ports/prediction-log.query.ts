import type { Page } from './read-store.port';

/** Reads of the prediction log for the outcome saga and sweep; the predictions feature binds it to the log's query. */
export const PREDICTION_LOG_QUERY = Symbol('PREDICTION_LOG_QUERY');

export type OutcomeStatus = 'pending' | 'correct' | 'incorrect';

/** One prediction as the prediction log holds it. */
export interface PredictionLogDoc extends Record<string, unknown> {
  readonly prediction_id: string;
  readonly tenant: string;
  readonly model_type: string;
  readonly model_version: string;
  readonly probability: number;
  readonly risk_level: string;
  readonly recommendation: string;
  readonly features: Record<string, number>;
  readonly user_id: string;
  readonly entity_type: string;
  readonly entity_id: string;
  readonly device_id: string;
  readonly fields: readonly string[];
  /** The announced sync, else the matched one, else null. */
  readonly sync_id: string | null;
  readonly sync_matched: boolean;
  readonly predicted_at: string;
  readonly predicted_ms: number;
  /** A conflict of the tied sync is known (the outcome may still be pending on the saga). */
  readonly conflict_seen: boolean;
  readonly outcome: OutcomeStatus;
  readonly conflict_occurred: boolean | null;
  readonly outcome_recorded_at: string | null;
}

export interface PredictionLogReader {
  /** The predictions tied to a tenant's sync (announced or matched); [] when none. */
  predictionIdsOfSync(tenant: string, syncId: string): Promise<readonly string[]>;
  /** One page of the pending predictions made at or before `untilMs`, oldest first (keyset cursor). */
  duePending(untilMs: number, page: { readonly limit: number; readonly cursor: string | null }): Promise<Page<PredictionLogDoc>>;
}

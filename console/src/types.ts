import type { Page } from './api';

/** The service's answers the console reads, in one place (snake_case as on the wire). */

/** One item of GET /labeling-backlog (expired leases already come back as open, unclaimed). */
export interface Task {
  task_id: string;
  example_id: string;
  batch_id: string;
  source_system: 'meter_reading' | 'vehicle_entry';
  priority: number;
  rank: number;
  status: 'open' | 'claimed';
  claimed_by: string | null;
  lease_expires_at: string | null;
  created_at: string;
}

/** GET /labeling-backlog: the page of tasks plus the tenant's counts over the whole backlog. */
export interface Backlog extends Page<Task> {
  counts: { total: number; open: number; claimed: number; by_source_system: Record<string, number> };
}

/** The answer of claim / submit / skip / release. */
export interface TaskAnswer {
  task_id: string;
  example_id: string | null;
  status: string;
  claimed_by: string | null;
  lease_expires_at: string | null;
  position: string;
}

/** GET /examples/:id (the fields the workbench shows). */
export interface Example {
  example_id: string;
  source_system: 'meter_reading' | 'vehicle_entry';
  source_id: string;
  status: string;
  uncertainty_score: number;
  /** OCR confidence at capture; null for an example created by a correction. */
  confidence: number | null;
  raw_text: string | null;
  /** A user's correction, when there was one. */
  ground_truth_text: string | null;
}

/** Scores of one predictor on the holdout (ModelEvaluated; the whole answer is snake_case). */
export interface HoldoutMetrics {
  roc_auc: number | null;
  accuracy: number;
  f1: number;
  samples: number;
  positives: number;
}

export interface Evaluation {
  evaluation_id: string;
  at: string;
  candidate: { version: string; metrics: HoldoutMetrics };
  baseline: { version: string; metrics: HoldoutMetrics; active_version: string | null; note: string | null };
  /** DeLong's paired test on the same holdout; null when the holdout cannot support it, absent on old evaluations. */
  delong?: DeLong | null;
}

export interface DeLong {
  auc_difference: number;
  standard_error: number;
  ci95: [number, number];
  p_value: number;
}

export interface Rejection {
  evaluation_id: string;
  at: string;
  failures: { rule: string; reason: string }[];
  reason: string;
  active_version: string | null;
}

/** Metrics of a version trained here (`null` for an ONNX model registered from outside). */
export interface TrainedMetrics {
  train_roc_auc: number | null;
  test_roc_auc: number | null;
  test_accuracy: number;
  train_samples: number;
  test_samples: number;
  train_positives: number;
  test_positives: number;
}

/** One item of GET /ml/models. */
export interface Model {
  version: string;
  kind: 'trained' | 'registered';
  status: 'candidate' | 'active' | 'inactive' | 'rejected' | 'rolled_back';
  created_at: string;
  metrics: TrainedMetrics | null;
  row_count: number | null;
  trigger: string | null;
  last_evaluation: Evaluation | null;
  last_rejection: Rejection | null;
}

/** GET /ml/models/active. */
export interface ActivePointer {
  model_type: string;
  version: string | null;
  activated_at: string | null;
  activated_by: string | null;
  reason: string | null;
  cause: 'manual' | 'auto' | 'rollback' | null;
  previous_version: string | null;
}

/** One item of GET /ml/models/history: the envelope plus the event's own details. */
export interface HistoryEntry {
  event_id: string;
  type:
    | 'ModelEvaluated'
    | 'ModelActivated'
    | 'ModelDeactivated'
    | 'ModelActivationRejected'
    | 'ModelRolledBack'
    | 'ModelActivationReviewed';
  version: string;
  at: string;
  by: string;
  reason: string | null;
  position: string;
  // ModelActivated
  cause?: string;
  previous_version?: string | null;
  // ModelDeactivated
  replaced_by?: string | null;
  // ModelActivationRejected
  failures?: { rule: string; reason: string }[];
  // ModelEvaluated
  candidate?: { version: string; metrics: HoldoutMetrics };
  baseline?: { version: string; metrics: HoldoutMetrics };
  // ModelRolledBack
  to_version?: string | null;
  // ModelActivationReviewed
  outcome?: string;
}

export interface Metrics {
  captured_per_day: { day: string; count: number }[];
  corrections_last_7_days: number;
  labeling_backlog: number;
  oldest_open_task_age_hours: number | null;
  alerts: { type: string; severity: string; message: string; raised_at: string }[];
}

export interface Accuracy {
  accuracy: number | null;
  correct: number;
  sample_size: number;
  window_days: number;
  /** Whether the accuracy alert is raised (below alert_below over at least alert_min_samples). */
  alert: boolean;
  alert_below: number;
  alert_min_samples: number;
}

export interface DailyAccuracy {
  day: string;
  model_version: string;
  correct: number;
  total: number;
}

export interface Projection {
  name: string;
  version: number;
  /** A log position: a string of digits. */
  checkpoint: string;
  lag: number;
  status: 'catching_up' | 'live' | 'rebuilding' | 'stopped' | 'stalled';
  /** The next generation while a blue/green rebuild runs. */
  building: { version: number; generation: number; checkpoint: string } | null;
  /** Events the projection stopped at after repeated failures, waiting for ops to retry or skip. */
  parked?: { position: string; event_type: string; error: string; attempts: number; parked_at: string }[];
}

/** One item of GET /ml/predictions. */
export interface Prediction {
  prediction_id: string;
  model_type: string;
  model_version: string;
  probability: number;
  risk_level: 'low' | 'medium' | 'high';
  recommendation: 'sync_now' | 'sync_with_review' | 'delay_sync';
  user_id: string;
  entity_type: string;
  entity_id: string;
  device_id: string;
  sync_id: string | null;
  predicted_at: string;
  outcome: 'pending' | 'correct' | 'incorrect';
  /** Known once the outcome is: did the sync conflict? */
  conflict_occurred: boolean | null;
  outcome_recorded_at: string | null;
}

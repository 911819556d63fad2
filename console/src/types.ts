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

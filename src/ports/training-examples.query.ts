import type { StoredVector } from '../domain/privacy/sealed';
import type { TrainingExampleStatus } from '../domain/training/training-example.decider';
import type { SourceSystem } from '../domain/training/training-example.events';

/** Reads of the training-examples read model for the command side; the readings feature binds it to the projection's query. */
export const TRAINING_EXAMPLES_QUERY = Symbol('TRAINING_EXAMPLES_QUERY');

/** One training example as the training-examples read model holds it. */
export interface TrainingExampleDoc {
  readonly example_id: string;
  readonly tenant_id: string | null;
  readonly source_system: SourceSystem;
  readonly source_id: string;
  readonly status: TrainingExampleStatus;
  readonly image_hash: string | null;
  readonly phash: string | null;
  /** The diversity feature vector recorded at capture (an entry's sealed); [] when unknown. */
  readonly features: StoredVector;
  /** Redacted OCR text. */
  readonly raw_text: string | null;
  /** OCR confidence of the reading (null only for corrections recorded before it was carried). */
  readonly confidence: number | null;
  /** The OCR engine that read the photo, when recorded. */
  readonly engine?: string | null;
  readonly engine_name?: string | null;
  readonly uncertainty_score: number;
  readonly ground_truth_text: string | null;
  readonly corrected: boolean;
  /** Every correction applied (absent on documents projected before it was counted: `correction_ids.length`). */
  readonly correction_count?: number;
  /** The latest corrections' ids, up to CORRECTION_IDS_LISTED. */
  readonly correction_ids: readonly string[];
  /** A CorrectionSubmitted was applied: the example events of corrections change nothing more. */
  readonly corrections_submitted?: boolean;
  readonly correction_type: string | null;
  readonly label: string | null;
  readonly labeler_id: string | null;
  readonly batch_id: string | null;
  readonly task_id: string | null;
  readonly priority: number | null;
  /** Tasks skipped for this example so far (absent: none). */
  readonly skips?: number;
  readonly created_at: string;
  readonly updated_at: string;
  [key: string]: unknown;
}

export interface TrainingExamplesReader {
  /** Every example of the tenant in the given statuses (default: not yet queued or labeled), oldest first. */
  unlabeledPool(tenantId: string, options?: { sourceSystem?: SourceSystem; statuses?: readonly TrainingExampleStatus[] }): Promise<TrainingExampleDoc[]>;
}

import { RecordedEvent, isEventOf } from '../../domain/shared/events';
import { TrainingExampleStatus } from '../../domain/training/training-example.decider';
import {
  SourceSystem,
  TrainingExampleCaptured,
  TrainingExampleCorrected,
  TrainingExampleLabeled,
  TrainingExampleQueued,
} from '../../domain/training/training-example.events';
import { documentProjection } from '../../runtime/projection';

/** Logical collection; issue 4 selects its active-learning pool from it (through TrainingExamplesQuery). */
export const TRAINING_EXAMPLES_COLLECTION = 'training_examples';

export interface TrainingExampleDoc {
  readonly example_id: string;
  readonly tenant_id: string | null;
  readonly source_system: SourceSystem;
  readonly source_id: string;
  readonly status: TrainingExampleStatus;
  readonly image_hash: string | null;
  readonly phash: string | null;
  /** The diversity feature vector recorded at capture; [] when unknown. */
  readonly features: readonly number[];
  /** Redacted OCR text. */
  readonly raw_text: string | null;
  /** OCR confidence at capture; null for an example created by a correction. */
  readonly confidence: number | null;
  readonly uncertainty_score: number;
  readonly ground_truth_text: string | null;
  readonly corrected: boolean;
  readonly correction_ids: readonly string[];
  readonly correction_type: string | null;
  readonly label: string | null;
  readonly labeler_id: string | null;
  readonly batch_id: string | null;
  readonly task_id: string | null;
  readonly priority: number | null;
  readonly created_at: string;
  readonly updated_at: string;
  [key: string]: unknown;
}

function blank(event: RecordedEvent, data: { exampleId: string; sourceSystem: SourceSystem; sourceId: string }): TrainingExampleDoc {
  return {
    example_id: data.exampleId,
    tenant_id: event.metadata.tenantId,
    source_system: data.sourceSystem,
    source_id: data.sourceId,
    status: 'captured',
    image_hash: null,
    phash: null,
    features: [],
    raw_text: null,
    confidence: null,
    uncertainty_score: 0,
    ground_truth_text: null,
    corrected: false,
    correction_ids: [],
    correction_type: null,
    label: null,
    labeler_id: null,
    batch_id: null,
    task_id: null,
    priority: null,
    created_at: event.metadata.occurredAt,
    updated_at: event.metadata.occurredAt,
  };
}

export function evolveTrainingExample(doc: TrainingExampleDoc | null, event: RecordedEvent): TrainingExampleDoc | null {
  const at = event.metadata.occurredAt;
  if (isEventOf<TrainingExampleCaptured>(event, 'TrainingExampleCaptured')) {
    if (doc) return doc;
    const d = event.data;
    return {
      ...blank(event, d),
      image_hash: d.imageHash,
      phash: d.diversity.phash,
      features: d.diversity.vector,
      raw_text: d.redactedText,
      confidence: d.confidence,
      uncertainty_score: d.uncertaintyScore,
    };
  }
  if (isEventOf<TrainingExampleCorrected>(event, 'TrainingExampleCorrected')) {
    const d = event.data;
    const base = doc ?? { ...blank(event, d), image_hash: d.imageHash ?? null, raw_text: d.rawText ?? null, features: d.features ?? [] };
    return {
      ...base,
      status: base.status === 'queued' || base.status === 'labeled' ? base.status : 'corrected',
      ground_truth_text: d.groundTruthText,
      uncertainty_score: d.uncertaintyScore,
      corrected: true,
      correction_ids: [...base.correction_ids, d.correctionId],
      correction_type: d.correctionType,
      updated_at: at,
    };
  }
  if (isEventOf<TrainingExampleQueued>(event, 'TrainingExampleQueued')) {
    if (!doc) return null;
    const d = event.data;
    return { ...doc, status: 'queued', batch_id: d.batchId, task_id: d.taskId, priority: d.priority, updated_at: at };
  }
  if (isEventOf<TrainingExampleLabeled>(event, 'TrainingExampleLabeled')) {
    if (!doc) return null;
    const d = event.data;
    // A human label is the example's ground truth from now on (a correction's text is kept in history).
    return { ...doc, status: 'labeled', label: d.label, ground_truth_text: d.label, labeler_id: d.labelerId, task_id: d.taskId, updated_at: at };
  }
  return doc;
}

export const trainingExamplesProjection = documentProjection<TrainingExampleDoc>({
  name: 'training-examples',
  // 2: reads TrainingExampleCaptured v2 (redactedText, diversity); same documents, rebuilt blue/green.
  // 3: a label sets ground_truth_text.
  version: 3,
  collection: TRAINING_EXAMPLES_COLLECTION,
  indexes: [
    ['tenant_id', 'status'],
    ['tenant_id', 'source_system', 'status'],
    ['tenant_id', 'created_at'],
  ],
  eventTypes: ['TrainingExampleCaptured', 'TrainingExampleCorrected', 'TrainingExampleQueued', 'TrainingExampleLabeled'],
  key: (event) => (typeof event.data.exampleId === 'string' ? event.data.exampleId : null),
  evolve: evolveTrainingExample,
});

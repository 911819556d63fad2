import { CorrectionSubmitted } from '../../domain/readings/reading.events';
import { LabelingTaskCompleted } from '../../domain/training/labeling-task.events';
import { RecordedEvent, isEventOf } from '../../domain/shared/events';
import { redactUnlessSealed } from '../../domain/training/redaction';
import {
  SourceSystem,
  TrainingExampleCaptured,
  TrainingExampleCorrected,
  TrainingExampleLabeled,
  TrainingExampleQueued,
  TrainingExampleReturned,
  exampleIdFor,
} from '../../domain/training/training-example.events';
import type { TrainingExampleDoc } from '../../ports/training-examples.query';
import { documentProjection } from '../../runtime/projection';

/** Logical collection; active learning selects its pool from it (through TRAINING_EXAMPLES_QUERY). */
export const TRAINING_EXAMPLES_COLLECTION = 'training_examples';

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
    correction_count: 0,
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

const redact = redactUnlessSealed;

/** The latest correction ids an example lists; `correction_count` counts them all. */
export const CORRECTION_IDS_LISTED = 20;

function corrected(
  base: TrainingExampleDoc,
  d: { readonly correctionId: string; readonly groundTruthText: string; readonly correctionType: string; readonly uncertaintyScore: number },
  at: string,
  submitted: boolean,
): TrainingExampleDoc {
  if (base.correction_ids.includes(d.correctionId)) return base;
  return {
    ...base,
    status: base.status === 'queued' || base.status === 'labeled' ? base.status : 'corrected',
    ground_truth_text: d.groundTruthText,
    uncertainty_score: d.uncertaintyScore,
    corrected: true,
    correction_count: (base.correction_count ?? base.correction_ids.length) + 1,
    correction_ids: [...base.correction_ids.slice(-(CORRECTION_IDS_LISTED - 1)), d.correctionId],
    correction_type: d.correctionType,
    ...(submitted ? { corrections_submitted: true } : {}),
    updated_at: at,
  };
}

/** The example a reading event concerns: the example's own id, or the one its source maps to. */
function exampleKey(event: RecordedEvent): string | null {
  if (isEventOf<CorrectionSubmitted>(event, 'CorrectionSubmitted')) return exampleIdFor(event.data.sourceType, event.data.sourceId);
  return typeof event.data.exampleId === 'string' ? event.data.exampleId : null;
}

/** The example a capture creates. */
function captured(event: RecordedEvent<TrainingExampleCaptured['data']>): TrainingExampleDoc {
  const d = event.data;
  return {
    ...blank(event, d),
    image_hash: d.imageHash,
    phash: d.diversity.phash,
    features: d.diversity.vector,
    raw_text: d.redactedText,
    confidence: d.confidence,
    uncertainty_score: d.uncertaintyScore,
    engine: d.engine ?? null,
    engine_name: d.engineName ?? null,
  };
}

/** The example a correction of a confident reading creates (no capture before it). */
function createdByCorrection(event: RecordedEvent<CorrectionSubmitted['data']>): TrainingExampleDoc {
  const d = event.data;
  return {
    ...blank(event, { exampleId: exampleIdFor(d.sourceType, d.sourceId), sourceSystem: d.sourceType, sourceId: d.sourceId }),
    image_hash: d.imageHash,
    raw_text: redact(d.rawText),
    features: d.features,
    confidence: d.confidence ?? null,
    engine: d.engine ?? null,
    engine_name: d.engineName ?? null,
  };
}

/** The example a TrainingExampleCorrected creates, from the source's capture it carries. */
function createdByCorrected(event: RecordedEvent<TrainingExampleCorrected['data']>): TrainingExampleDoc {
  const d = event.data;
  return {
    ...blank(event, d),
    image_hash: d.imageHash ?? null,
    raw_text: d.rawText ?? null,
    features: d.features ?? [],
    confidence: d.confidence ?? null,
    engine: d.engine ?? null,
    engine_name: d.engineName ?? null,
  };
}

export function evolveTrainingExample(doc: TrainingExampleDoc | null, event: RecordedEvent): TrainingExampleDoc | null {
  const at = event.metadata.occurredAt;
  if (isEventOf<TrainingExampleCaptured>(event, 'TrainingExampleCaptured')) return doc ?? captured(event);
  if (isEventOf<CorrectionSubmitted>(event, 'CorrectionSubmitted')) {
    const d = event.data;
    // The capture saga turns it into TrainingExampleCorrected with the same text (and the same redaction).
    return corrected(doc ?? createdByCorrection(event), { correctionId: d.correctionId, groundTruthText: redact(d.correctedText), correctionType: d.correctionType, uncertaintyScore: 1.0 }, at, true);
  }
  if (isEventOf<TrainingExampleCorrected>(event, 'TrainingExampleCorrected')) {
    // The saga's example event of a submitted correction, which came first in the log and was
    // applied then: nothing to do, however many corrections came between the two (the document
    // lists only the latest ids). An example corrected only by example events applies each once.
    if (doc?.corrections_submitted) return doc;
    return corrected(doc ?? createdByCorrected(event), event.data, at, false);
  }
  if (isEventOf<TrainingExampleQueued>(event, 'TrainingExampleQueued')) {
    if (!doc) return null;
    const d = event.data;
    return { ...doc, status: 'queued', batch_id: d.batchId, task_id: d.taskId, priority: d.priority, updated_at: at };
  }
  if (isEventOf<LabelingTaskCompleted>(event, 'LabelingTaskCompleted') || isEventOf<TrainingExampleLabeled>(event, 'TrainingExampleLabeled')) {
    // The task's own event labels the example (its answer position covers it); the label saga's
    // example event then changes nothing. A second task never relabels (the decider refuses it).
    if (!doc || doc.status === 'labeled') return doc;
    const d = event.data;
    // A human label is the example's ground truth from now on (a correction's text is kept in history).
    return { ...doc, status: 'labeled', label: d.label, ground_truth_text: d.label, labeler_id: d.labelerId, task_id: d.taskId, updated_at: at };
  }
  if (isEventOf<TrainingExampleReturned>(event, 'TrainingExampleReturned')) {
    if (!doc || doc.status === 'labeled') return doc;
    return { ...doc, status: doc.corrected ? 'corrected' : 'captured', task_id: null, priority: null, skips: event.data.skips, updated_at: at };
  }
  return doc;
}

export const trainingExamplesProjection = documentProjection<TrainingExampleDoc>({
  name: 'training-examples',
  // 2: reads TrainingExampleCaptured v2 (redactedText, diversity); same documents, rebuilt blue/green.
  // 3: a label sets ground_truth_text.
  // 4: applies CorrectionSubmitted and LabelingTaskCompleted itself, so a correction's or a
  //    submit's answer position covers its example.
  // 5: a skipped task's example returns to the pool (TrainingExampleReturned, `skips`); the
  //    reading's confidence and engine on every example, also one a correction created.
  // 6: correction_count; correction_ids lists the latest CORRECTION_IDS_LISTED (a busy reading's
  //    document grew with every correction and was rewritten whole by each); the example event of
  //    a submitted correction writes nothing.
  version: 6,
  collection: TRAINING_EXAMPLES_COLLECTION,
  indexes: [
    ['tenant_id', 'status'],
    ['tenant_id', 'source_system', 'status'],
    ['tenant_id', 'created_at'],
  ],
  eventTypes: ['CorrectionSubmitted', 'TrainingExampleCaptured', 'TrainingExampleCorrected', 'TrainingExampleQueued', 'TrainingExampleLabeled', 'LabelingTaskCompleted', 'TrainingExampleReturned'],
  key: exampleKey,
  evolve: evolveTrainingExample,
});

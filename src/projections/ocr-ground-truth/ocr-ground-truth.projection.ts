import { CorrectionSubmitted, MeterReadingRecorded, VehicleEntryRecorded, sourceStream } from '../../domain/readings/reading.events';
import { RecordedEvent, isEventOf } from '../../domain/shared/events';
import { SourceSystem, TrainingExampleLabeled } from '../../domain/training/training-example.events';
import { normaliseMeter, normalisePlate } from '../../domain/readings/reading-format';
import { documentProjection } from '../../runtime/projection';

export const OCR_GROUND_TRUTH_COLLECTION = 'ocr_ground_truth';

/**
 * One reading or entry as OCR saw it, and what it really shows once a person said so: the
 * (score, right or wrong) pairs calibrations are fitted on. Labels come from every tenant (the
 * engine behaves the same for all of them), so the tenant is kept only for audits.
 */
export interface GroundTruthDoc {
  readonly source_type: SourceSystem;
  readonly source_id: string;
  readonly tenant_id: string | null;
  readonly mode: 'meter' | 'plate';
  readonly engine_name: string;
  readonly engine: string;
  readonly score: number;
  readonly confidence: number;
  readonly calibration_id: string | null;
  /** What the engine read, normalised as the engine normalises it. */
  readonly text: string;
  readonly recorded_at: string;
  /** The latest correction or label (whichever came last in the log); null until one exists. */
  readonly truth: string | null;
  readonly truth_source: 'correction' | 'label' | null;
  readonly truth_position: number | null;
  readonly truth_at: string | null;
  readonly labeled: boolean;
  /** Normalised truth equals normalised text; null while unlabeled. */
  readonly correct: boolean | null;
  [key: string]: unknown;
}

export const normalise = (mode: GroundTruthDoc['mode'], text: string): string => (mode === 'meter' ? normaliseMeter(text) : normalisePlate(text));

/**
 * The source of a training example: the inverse of `exampleIdFor` (`mr_<readingId>`, `ve_<entryId>`),
 * which is how an example id is made, so a label finds its reading without a lookup.
 */
export function sourceOfExampleId(exampleId: string): { sourceType: SourceSystem; sourceId: string } | null {
  const match = /^(mr|ve)_(.+)$/.exec(exampleId);
  if (!match) return null;
  return { sourceType: match[1] === 'mr' ? 'meter_reading' : 'vehicle_entry', sourceId: match[2] };
}

function withTruth(doc: GroundTruthDoc, truth: string, source: 'correction' | 'label', event: RecordedEvent): GroundTruthDoc {
  return {
    ...doc,
    truth,
    truth_source: source,
    truth_position: event.position,
    truth_at: event.metadata.occurredAt,
    labeled: true,
    correct: normalise(doc.mode, truth) === normalise(doc.mode, doc.text),
  };
}

function recorded(event: RecordedEvent<(MeterReadingRecorded | VehicleEntryRecorded)['data']>, sourceType: SourceSystem, sourceId: string, text: string): GroundTruthDoc {
  const d = event.data;
  return {
    source_type: sourceType,
    source_id: sourceId,
    tenant_id: d.tenantId,
    mode: sourceType === 'meter_reading' ? 'meter' : 'plate',
    engine_name: d.engineName,
    engine: d.engine,
    score: d.score,
    confidence: d.confidence,
    calibration_id: d.calibrationId,
    text,
    recorded_at: event.metadata.occurredAt,
    truth: null,
    truth_source: null,
    truth_position: null,
    truth_at: null,
    labeled: false,
    correct: null,
  };
}

export function evolveGroundTruth(doc: GroundTruthDoc | null, event: RecordedEvent): GroundTruthDoc | null {
  if (isEventOf<MeterReadingRecorded>(event, 'MeterReadingRecorded')) return doc ?? recorded(event, 'meter_reading', event.data.readingId, event.data.text);
  if (isEventOf<VehicleEntryRecorded>(event, 'VehicleEntryRecorded')) return doc ?? recorded(event, 'vehicle_entry', event.data.entryId, event.data.plate);
  if (doc === null) return null;
  if (isEventOf<CorrectionSubmitted>(event, 'CorrectionSubmitted')) return withTruth(doc, event.data.correctedText, 'correction', event);
  if (isEventOf<TrainingExampleLabeled>(event, 'TrainingExampleLabeled')) return withTruth(doc, event.data.label, 'label', event);
  return doc;
}

function key(event: RecordedEvent): string | null {
  if (event.type !== 'TrainingExampleLabeled') return event.stream;
  const source = typeof event.data.exampleId === 'string' ? sourceOfExampleId(event.data.exampleId) : null;
  return source ? sourceStream(source.sourceType, source.sourceId) : null;
}

export const ocrGroundTruthProjection = documentProjection<GroundTruthDoc>({
  name: 'ocr-ground-truth',
  version: 1,
  collection: OCR_GROUND_TRUTH_COLLECTION,
  indexes: [
    ['engine_name', 'mode', 'labeled'],
    // The capture's plate step reads a tenant's labeled plates to learn its formats.
    ['tenant_id', 'mode', 'labeled'],
  ],
  eventTypes: ['MeterReadingRecorded', 'VehicleEntryRecorded', 'CorrectionSubmitted', 'TrainingExampleLabeled'],
  key,
  evolve: evolveGroundTruth,
});

import { RecordedEvent, isEventOf } from '../../domain/shared/events';
import { CorrectionSubmitted, MeterReadingRecorded, READING_EVENT_TYPES, VehicleEntryRecorded } from '../../domain/readings/reading.events';
import { SourceSystem } from '../../domain/training/training-example.events';
import { Projection } from '../../runtime/projection';

export const READINGS_COLLECTION = 'readings_records';
/** One document per correction, beside its reading's: a reading's document never grows with them. */
export const READING_CORRECTIONS_COLLECTION = 'readings_corrections';

export interface CorrectionDoc {
  /** The reading's document id (its stream name). */
  readonly reading: string;
  /** Log position of the correction: the order of a reading's corrections. */
  readonly position: number;
  readonly correction_id: string;
  readonly corrected_text: string;
  readonly correction_type: string;
  readonly previous_text: string;
  readonly corrected_by: string;
  readonly submitted_at: string;
  [key: string]: unknown;
}

/** One meter reading or vehicle entry, keyed by its stream name; its corrections are documents of their own. */
export interface ReadingDoc {
  readonly id: string;
  readonly source_type: SourceSystem;
  readonly tenant_id: string | null;
  readonly asset_id: string | null;
  readonly gate_id: string | null;
  readonly value: number | null;
  readonly unit: string | null;
  /** The normalised OCR text: the meter value text or the plate. */
  readonly text: string;
  readonly raw_text: string;
  readonly confidence: number;
  /** The engine's own score and the calibration that made it `confidence` (null: none applied). */
  readonly score: number;
  readonly calibration_id: string | null;
  readonly engine_name: string;
  readonly captured_for_training: boolean;
  readonly image_hash: string;
  readonly engine: string;
  readonly recorded_by: string;
  readonly recorded_at: string;
  readonly updated_at: string;
  /** The latest correction's text (null: none); the list is in READING_CORRECTIONS_COLLECTION. */
  readonly corrected_text: string | null;
  readonly correction_count: number;
  [key: string]: unknown;
}

function recorded(event: RecordedEvent<(MeterReadingRecorded | VehicleEntryRecorded)['data']>, fields: Pick<ReadingDoc, 'id' | 'source_type' | 'asset_id' | 'gate_id' | 'value' | 'unit' | 'text'>): ReadingDoc {
  const d = event.data;
  return {
    ...fields,
    tenant_id: event.metadata.tenantId,
    raw_text: d.rawText,
    confidence: d.confidence,
    score: d.score,
    calibration_id: d.calibrationId,
    engine_name: d.engineName,
    captured_for_training: d.capturedForTraining,
    image_hash: d.imageHash,
    engine: d.engine,
    recorded_by: d.recordedBy,
    recorded_at: event.metadata.occurredAt,
    updated_at: event.metadata.occurredAt,
    corrected_text: null,
    correction_count: 0,
  };
}

export function evolveReading(doc: ReadingDoc | null, event: RecordedEvent): ReadingDoc | null {
  if (isEventOf<MeterReadingRecorded>(event, 'MeterReadingRecorded')) {
    const d = event.data;
    return doc ?? recorded(event, { id: d.readingId, source_type: 'meter_reading', asset_id: d.assetId, gate_id: null, value: d.value, unit: d.unit, text: d.text });
  }
  if (isEventOf<VehicleEntryRecorded>(event, 'VehicleEntryRecorded')) {
    const d = event.data;
    return doc ?? recorded(event, { id: d.entryId, source_type: 'vehicle_entry', asset_id: null, gate_id: d.gateId, value: null, unit: null, text: d.plate });
  }
  if (isEventOf<CorrectionSubmitted>(event, 'CorrectionSubmitted')) {
    if (!doc) return null;
    return { ...doc, corrected_text: event.data.correctedText, correction_count: doc.correction_count + 1, updated_at: event.metadata.occurredAt };
  }
  return doc;
}

/** The correction's own document; null for an event that is not a correction. */
export function correctionDoc(event: RecordedEvent): CorrectionDoc | null {
  if (!isEventOf<CorrectionSubmitted>(event, 'CorrectionSubmitted')) return null;
  const d = event.data;
  return {
    reading: event.stream,
    position: event.position,
    tenant_id: event.metadata.tenantId,
    correction_id: d.correctionId,
    corrected_text: d.correctedText,
    correction_type: d.correctionType,
    previous_text: d.previousText,
    corrected_by: d.correctedBy,
    submitted_at: event.metadata.occurredAt,
  };
}

/**
 * Readings and entries, and their corrections as documents of their own: before version 3 a
 * reading's document held the list, so every correction rewrote (and re-read) all the earlier
 * ones, a cost that grew with each correction of a busy reading.
 */
export const readingsProjection: Projection = {
  name: 'readings',
  // 2: reads MeterReadingRecorded / VehicleEntryRecorded v2 (score, calibrationId, engineName).
  // 3: corrections in READING_CORRECTIONS_COLLECTION; the reading keeps the latest text and a count.
  version: 3,
  collections: [READINGS_COLLECTION, READING_CORRECTIONS_COLLECTION],
  indexes: {
    [READINGS_COLLECTION]: [
      ['tenant_id', 'source_type'],
      // The capture's counter check reads an asset's past readings.
      ['tenant_id', 'asset_id', 'source_type'],
    ],
    [READING_CORRECTIONS_COLLECTION]: [['reading', 'position']],
  },
  eventTypes: READING_EVENT_TYPES,
  prefetch: (event) => [[READINGS_COLLECTION, event.stream]],
  apply(event, view) {
    const id = event.stream;
    const write = (doc: ReadingDoc | null) => {
      const next = evolveReading(doc, event);
      if (next === null) return;
      view.put(READINGS_COLLECTION, id, next);
      const correction = correctionDoc(event);
      if (correction) view.put(READING_CORRECTIONS_COLLECTION, correction.correction_id, correction);
    };
    const cached = view.peek?.<ReadingDoc>(READINGS_COLLECTION, id);
    if (cached !== undefined) return write(cached);
    return view.get<ReadingDoc>(READINGS_COLLECTION, id).then(write);
  },
};

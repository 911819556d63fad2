import { RecordedEvent, isEventOf } from '../../domain/shared/events';
import { CorrectionSubmitted, MeterReadingRecorded, READING_EVENT_TYPES, VehicleEntryRecorded } from '../../domain/readings/reading.events';
import { SourceSystem } from '../../domain/training/training-example.events';
import { documentProjection } from '../../runtime/projection';

export const READINGS_COLLECTION = 'readings_records';

export interface CorrectionDoc {
  readonly correction_id: string;
  readonly corrected_text: string;
  readonly correction_type: string;
  readonly previous_text: string;
  readonly corrected_by: string;
  readonly submitted_at: string;
  [key: string]: unknown;
}

/** One meter reading or vehicle entry with its corrections, keyed by its stream name. */
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
  readonly corrections: readonly CorrectionDoc[];
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
    corrections: [],
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
    const d = event.data;
    const correction: CorrectionDoc = {
      correction_id: d.correctionId,
      corrected_text: d.correctedText,
      correction_type: d.correctionType,
      previous_text: d.previousText,
      corrected_by: d.correctedBy,
      submitted_at: event.metadata.occurredAt,
    };
    return { ...doc, corrections: [...doc.corrections, correction], updated_at: event.metadata.occurredAt };
  }
  return doc;
}

export const readingsProjection = documentProjection<ReadingDoc>({
  name: 'readings',
  // 2: reads MeterReadingRecorded / VehicleEntryRecorded v2 (score, calibrationId, engineName).
  version: 2,
  collection: READINGS_COLLECTION,
  indexes: [
    ['tenant_id', 'source_type'],
    // The capture's counter check reads an asset's past readings.
    ['tenant_id', 'asset_id', 'source_type'],
  ],
  eventTypes: READING_EVENT_TYPES,
  key: (event) => event.stream,
  evolve: evolveReading,
});

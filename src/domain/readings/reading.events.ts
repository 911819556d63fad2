import { StoredVector } from '../privacy/sealed';
import { CalibrationEngine } from '../ocr-calibration/ocr-calibration.events';
import { DomainEvent, streamName } from '../shared/events';
import { SourceSystem } from '../training/training-example.events';

/**
 * Events of one source's stream: a meter reading (`reading-<id>`) or a vehicle entry
 * (`entry-<id>`). The photo lives in the blob store; events carry its sha256 only.
 *
 * Schema version 2 (`OcrCaptureV1` below is the stored v1 shape, lifted by `reading.upcasters.ts`):
 * the engine's own `score`, the `calibrationId` that turned it into `confidence`, and the
 * `engineName` whose calibration that is, so a past reading stays explainable after recalibration.
 */
export type OcrCapture = {
  /** Owner of the record, repeated from metadata so the decider can enforce tenancy purely. */
  tenantId: string;
  imageHash: string;
  /** What the engine produced before normalisation (not redacted: this is the record itself). */
  rawText: string;
  /** Calibrated probability of being right (v1: the engine's own score, uncalibrated). */
  confidence: number;
  /** The engine's own uncalibrated score; calibrations are fitted on it. */
  score: number;
  /** The OcrCalibrationFitted that mapped `score` to `confidence`; null when none was applied. */
  calibrationId: string | null;
  /** Which configured engine read the photo: the calibration (and ground truth) it belongs to. */
  engineName: CalibrationEngine;
  /** Engine build identifier (name, version, variant). */
  engine: string;
  /** The decision taken at recording time against the threshold then configured. */
  capturedForTraining: boolean;
  /** Diversity features of the photo and text (see `captureFeatures`), recorded once; an entry's sealed (`StoredVector`). */
  features: StoredVector;
  phash: string;
  recordedBy: string;
};

export type MeterReadingRecorded = DomainEvent<
  'MeterReadingRecorded',
  OcrCapture & { readingId: string; assetId: string; value: number | null; unit: string | null; text: string }
>;

/** `plateFormat` is absent on entries recorded before plate formats existed (read as null). */
export type VehicleEntryRecorded = DomainEvent<'VehicleEntryRecorded', OcrCapture & { entryId: string; gateId: string; plate: string; plateFormat?: string | null }>;

/** Stored v1 capture fields: no score, calibration or engine name (every v1 reading was tesseract's, uncalibrated). */
export type OcrCaptureV1 = Omit<OcrCapture, 'score' | 'calibrationId' | 'engineName'>;

export type CorrectionType = 'OCR_ERROR' | 'WRONG_READING';

/**
 * A user said what the photo really shows. Carries a snapshot of the source's capture so the
 * capture saga can build the training example from this event alone.
 */
export type CorrectionSubmitted = DomainEvent<
  'CorrectionSubmitted',
  {
    correctionId: string;
    sourceType: SourceSystem;
    sourceId: string;
    correctedText: string;
    correctionType: CorrectionType;
    correctedBy: string;
    previousText: string;
    imageHash: string;
    rawText: string;
    confidence: number;
    features: StoredVector;
    phash: string;
    /** The reading's engine (absent on corrections recorded before it was carried). */
    engine?: string;
    engineName?: string;
  }
>;

export type ReadingEvent = MeterReadingRecorded | VehicleEntryRecorded | CorrectionSubmitted;

export const READING_EVENT_TYPES = ['MeterReadingRecorded', 'VehicleEntryRecorded', 'CorrectionSubmitted'] as const;

export function sourceStream(sourceType: SourceSystem, id: string): string {
  return streamName(sourceType === 'meter_reading' ? 'reading' : 'entry', id);
}

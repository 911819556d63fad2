import { DomainEvent, streamName } from '../shared/events';
import { SourceSystem } from '../training/training-example.events';

/**
 * Events of one source's stream: a meter reading (`reading-<id>`) or a vehicle entry
 * (`entry-<id>`). The photo lives in the blob store; events carry its sha256 only.
 */
type OcrCapture = {
  /** Owner of the record, repeated from metadata so the decider can enforce tenancy purely. */
  tenantId: string;
  imageHash: string;
  /** What the engine produced before normalisation (not redacted: this is the record itself). */
  rawText: string;
  confidence: number;
  engine: string;
  /** The decision taken at recording time against the threshold then configured. */
  capturedForTraining: boolean;
  /** Diversity features of the photo and text (see `captureFeatures`), recorded once. */
  features: number[];
  phash: string;
  recordedBy: string;
};

export type MeterReadingRecorded = DomainEvent<
  'MeterReadingRecorded',
  OcrCapture & { readingId: string; assetId: string; value: number | null; unit: string | null; text: string }
>;

export type VehicleEntryRecorded = DomainEvent<'VehicleEntryRecorded', OcrCapture & { entryId: string; gateId: string; plate: string }>;

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
    features: number[];
    phash: string;
  }
>;

export type ReadingEvent = MeterReadingRecorded | VehicleEntryRecorded | CorrectionSubmitted;

export const READING_EVENT_TYPES = ['MeterReadingRecorded', 'VehicleEntryRecorded', 'CorrectionSubmitted'] as const;

export function sourceStream(sourceType: SourceSystem, id: string): string {
  return streamName(sourceType === 'meter_reading' ? 'reading' : 'entry', id);
}

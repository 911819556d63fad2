import { StoredVector } from '../privacy/sealed';
import { DomainEvent } from '../shared/events';

/**
 * Events of one training example's stream, `example-<exampleId>`. There is one example per
 * source (reading or entry): `exampleId = exampleIdFor(sourceSystem, sourceId)`.
 */
export type SourceSystem = 'meter_reading' | 'vehicle_entry';

/**
 * Schema version 2 (`TrainingExampleCapturedV1` below is the stored v1 shape, lifted by the upcaster
 * in `training-example.upcasters.ts`): the text is named for what it is, and the capture-time
 * diversity data travels as one group.
 */
export type TrainingExampleCaptured = DomainEvent<
  'TrainingExampleCaptured',
  {
    exampleId: string;
    sourceSystem: SourceSystem;
    sourceId: string;
    imageHash: string;
    /** OCR text after PII redaction (v1: `rawText`, a misleading name: it was never raw). */
    redactedText: string;
    confidence: number;
    /** 1 - confidence. */
    uncertaintyScore: number;
    diversity: CaptureDiversity;
    /** The engine that read the photo (absent on examples captured before it was carried). */
    engine?: string;
    engineName?: string;
  }
>;

/** What active learning's diversity selection compares, recorded once at capture. */
export interface CaptureDiversity {
  /** Perceptual hash of the photo, 16 hex digits. */
  phash: string;
  /** Perceptual-hash bits + text features; an entry's sealed under its plate's key (see `StoredVector`). */
  vector: StoredVector;
}

/** Stored v1 shape of `TrainingExampleCaptured`: never written any more, still read from old logs. */
export interface TrainingExampleCapturedV1Data {
  exampleId: string;
  sourceSystem: SourceSystem;
  sourceId: string;
  imageHash: string;
  /** OCR text after PII redaction. */
  rawText: string;
  confidence: number;
  uncertaintyScore: number;
  features: number[];
  phash: string;
}

/** A user's correction became ground truth; corrections are the most valuable examples. */
export type TrainingExampleCorrected = DomainEvent<
  'TrainingExampleCorrected',
  {
    exampleId: string;
    sourceSystem: SourceSystem;
    sourceId: string;
    correctionId: string;
    groundTruthText: string;
    correctionType: 'OCR_ERROR' | 'WRONG_READING';
    /** Always 1.0. */
    uncertaintyScore: number;
    /** Present when the example did not exist yet (a correction of a confident reading). */
    imageHash?: string;
    rawText?: string;
    features?: StoredVector;
    /** With those: the reading's OCR confidence and engine, so the example does not look like the OCR was right. */
    confidence?: number;
    engine?: string;
    engineName?: string;
  }
>;

/** Chosen by an active-learning batch; a labeling task now exists for it. */
export type TrainingExampleQueued = DomainEvent<'TrainingExampleQueued', { exampleId: string; batchId: string; taskId: string; priority: number }>;

export type TrainingExampleLabeled = DomainEvent<'TrainingExampleLabeled', { exampleId: string; taskId: string; label: string; labelerId: string }>;

/**
 * Its labeling task was skipped: the example is back in the pool (status as before it was queued),
 * and `skips` (how often so far) lowers its priority in the next batch.
 */
export type TrainingExampleReturned = DomainEvent<'TrainingExampleReturned', { exampleId: string; taskId: string; labelerId: string; reason?: string; skips: number }>;

export type TrainingExampleEvent = TrainingExampleCaptured | TrainingExampleCorrected | TrainingExampleQueued | TrainingExampleLabeled | TrainingExampleReturned;

export function exampleIdFor(sourceSystem: SourceSystem, sourceId: string): string {
  return `${sourceSystem === 'meter_reading' ? 'mr' : 've'}_${sourceId}`;
}

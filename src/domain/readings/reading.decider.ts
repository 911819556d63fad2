import { StoredVector, copyVector } from '../privacy/sealed';
import { IdSet } from '../shared/id-set';
import { CalibrationEngine } from '../ocr-calibration/ocr-calibration.events';
import { Decider } from '../shared/decider';
import { ForbiddenError, NotFoundError, ValidationError, assertNever } from '../shared/errors';
import { SourceSystem } from '../training/training-example.events';
import { CorrectionSubmitted, CorrectionType, MeterReadingRecorded, ReadingEvent, VehicleEntryRecorded } from './reading.events';

/** The OCR outcome and photo facts both record commands share. */
export interface CaptureFacts {
  readonly tenantId: string;
  readonly actorId: string;
  readonly imageHash: string;
  readonly rawText: string;
  /** Calibrated probability of being right; `capturedForTraining` is decided on it. */
  readonly confidence: number;
  /** The engine's own score, before calibration. */
  readonly score: number;
  readonly calibrationId: string | null;
  readonly engineName: CalibrationEngine;
  readonly engine: string;
  readonly features: StoredVector;
  readonly phash: string;
  readonly capturedForTraining: boolean;
}

export interface RecordMeterReading extends CaptureFacts {
  readonly type: 'RecordMeterReading';
  readonly readingId: string;
  readonly assetId: string;
  readonly text: string;
  readonly value: number | null;
  readonly unit: string | null;
}

export interface RecordVehicleEntry extends CaptureFacts {
  readonly type: 'RecordVehicleEntry';
  readonly entryId: string;
  readonly gateId: string;
  readonly plate: string;
  /** The tenant's plate format the reading matched, null for none (recorded so a retry answers the same). */
  readonly plateFormat?: string | null;
}

export interface SubmitCorrection {
  readonly type: 'SubmitCorrection';
  readonly correctionId: string;
  readonly sourceType: SourceSystem;
  readonly sourceId: string;
  /** The tenant of the user correcting; a source of another tenant is forbidden. */
  readonly tenantId: string;
  readonly actorId: string;
  readonly correctedText: string;
  readonly correctionType: CorrectionType;
}

export type ReadingCommand = RecordMeterReading | RecordVehicleEntry | SubmitCorrection;

export type ReadingState =
  | { readonly status: 'none' }
  | {
      readonly status: 'recorded';
      readonly sourceType: SourceSystem;
      readonly id: string;
      readonly tenantId: string;
      readonly imageHash: string;
      readonly rawText: string;
      /** The current best text: the OCR reading, or the latest correction. */
      readonly text: string;
      readonly confidence: number;
      readonly engine: string;
      readonly engineName: string;
      readonly features: StoredVector;
      readonly phash: string;
      readonly correctionIds: IdSet;
      /** The recorded fact itself: a retried record command answers from it. */
      readonly record: MeterReadingRecorded | VehicleEntryRecorded;
    };

function recorded(event: MeterReadingRecorded | VehicleEntryRecorded): ReadingState {
  const d = event.data;
  const base = { status: 'recorded' as const, record: event, tenantId: d.tenantId, imageHash: d.imageHash, rawText: d.rawText, confidence: d.confidence, engine: d.engine, engineName: d.engineName, features: d.features, phash: d.phash, correctionIds: IdSet.empty() };
  return event.type === 'MeterReadingRecorded'
    ? { ...base, sourceType: 'meter_reading', id: event.data.readingId, text: event.data.text }
    : { ...base, sourceType: 'vehicle_entry', id: event.data.entryId, text: event.data.plate };
}

function captureData(c: CaptureFacts) {
  return {
    tenantId: c.tenantId,
    imageHash: c.imageHash,
    rawText: c.rawText,
    confidence: c.confidence,
    score: c.score,
    calibrationId: c.calibrationId,
    engineName: c.engineName,
    engine: c.engine,
    capturedForTraining: c.capturedForTraining,
    features: copyVector(c.features),
    phash: c.phash,
    recordedBy: c.actorId,
  };
}

function correct(command: SubmitCorrection, state: ReadingState): readonly CorrectionSubmitted[] {
  // Existence before tenancy: an unknown id is 404 whoever asks; a known one of another tenant 403.
  if (state.status === 'none' || state.sourceType !== command.sourceType) {
    throw new NotFoundError(`${command.sourceType} ${command.sourceId} not found`, { source_type: command.sourceType, source_id: command.sourceId });
  }
  if (state.tenantId !== command.tenantId) throw new ForbiddenError(`${command.sourceType} ${command.sourceId} belongs to another tenant`);
  if (state.correctionIds.has(command.correctionId)) return [];
  const correctedText = command.correctedText.trim();
  if (correctedText === '') throw new ValidationError('corrected_text must not be empty', { fields: { corrected_text: ['must not be empty'] } });
  return [
    {
      type: 'CorrectionSubmitted',
      data: {
        correctionId: command.correctionId,
        sourceType: state.sourceType,
        sourceId: state.id,
        correctedText,
        correctionType: command.correctionType,
        correctedBy: command.actorId,
        previousText: state.text,
        imageHash: state.imageHash,
        rawText: state.rawText,
        confidence: state.confidence,
        features: copyVector(state.features),
        phash: state.phash,
        engine: state.engine,
        engineName: state.engineName,
      },
    },
  ];
}

/** One meter reading or vehicle entry: recorded once, then corrected any number of times. */
export const readingDecider: Decider<ReadingState, ReadingCommand, ReadingEvent> = {
  initialState: { status: 'none' },

  evolve(state, event) {
    switch (event.type) {
      case 'MeterReadingRecorded':
      case 'VehicleEntryRecorded':
        return recorded({ type: event.type, data: event.data } as MeterReadingRecorded | VehicleEntryRecorded);
      case 'CorrectionSubmitted':
        if (state.status === 'none') return state;
        return { ...state, text: event.data.correctedText, correctionIds: state.correctionIds.with(event.data.correctionId) };
      default:
        return assertNever(event, 'reading event');
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'RecordMeterReading':
        // The stream is the reading's own: a second record is the same command retried.
        if (state.status === 'recorded') return [];
        return [
          {
            type: 'MeterReadingRecorded',
            data: { ...captureData(command), readingId: command.readingId, assetId: command.assetId, value: command.value, unit: command.unit, text: command.text },
          },
        ];
      case 'RecordVehicleEntry':
        if (state.status === 'recorded') return [];
        return [{ type: 'VehicleEntryRecorded', data: { ...captureData(command), entryId: command.entryId, gateId: command.gateId, plate: command.plate, plateFormat: command.plateFormat ?? null } }];
      case 'SubmitCorrection':
        return correct(command, state);
      default:
        return assertNever(command, 'reading command');
    }
  },
};

import { ForbiddenError, NotFoundError, ValidationError } from '../shared/errors';
import { ReadingCommand, readingDecider as decider } from './reading.decider';
import { ReadingEvent } from './reading.events';

function when(given: readonly ReadingEvent[], command: ReadingCommand): readonly ReadingEvent[] {
  return decider.decide(command, given.reduce(decider.evolve, decider.initialState));
}

const facts = {
  tenantId: 'acme',
  actorId: 'g1',
  imageHash: 'b'.repeat(64),
  rawText: '0045I2.7',
  confidence: 0.55,
  score: 0.81,
  calibrationId: 'cal-1',
  engineName: 'paddle' as const,
  engine: 'test',
  features: [1, 0],
  phash: 'ffff0000ffff0000',
  capturedForTraining: true,
};

const record: ReadingCommand = { type: 'RecordMeterReading', readingId: 'r1', assetId: 'meter-7', text: '004512.7', value: 4512.7, unit: null, ...facts };
const recorded = when([], record);
const correction: ReadingCommand = {
  type: 'SubmitCorrection',
  correctionId: 'c1',
  sourceType: 'meter_reading',
  sourceId: 'r1',
  tenantId: 'acme',
  actorId: 'l1',
  correctedText: ' 004512.8 ',
  correctionType: 'OCR_ERROR',
};

describe('reading decider', () => {
  it('given nothing, when a meter reading is recorded, then MeterReadingRecorded with the OCR result and the photo hash', () => {
    expect(recorded).toEqual([
      {
        type: 'MeterReadingRecorded',
        data: {
          readingId: 'r1',
          assetId: 'meter-7',
          text: '004512.7',
          value: 4512.7,
          unit: null,
          tenantId: 'acme',
          imageHash: 'b'.repeat(64),
          rawText: '0045I2.7',
          confidence: 0.55,
          score: 0.81,
          calibrationId: 'cal-1',
          engineName: 'paddle',
          engine: 'test',
          capturedForTraining: true,
          features: [1, 0],
          phash: 'ffff0000ffff0000',
          recordedBy: 'g1',
        },
      },
    ]);
  });

  it('given a recorded reading, when the same record is retried, then nothing', () => {
    expect(when(recorded, record)).toEqual([]);
  });

  it('given nothing, when a vehicle entry is recorded, then VehicleEntryRecorded', () => {
    const [event] = when([], { type: 'RecordVehicleEntry', entryId: 'e1', gateId: 'north', plate: 'ABC1234', ...facts });
    expect(event).toMatchObject({ type: 'VehicleEntryRecorded', data: { entryId: 'e1', gateId: 'north', plate: 'ABC1234' } });
  });

  it('given a recorded reading, when corrected, then CorrectionSubmitted with the trimmed text and a capture snapshot', () => {
    expect(when(recorded, correction)).toEqual([
      {
        type: 'CorrectionSubmitted',
        data: {
          correctionId: 'c1',
          engine: 'test',
          engineName: 'paddle',
          sourceType: 'meter_reading',
          sourceId: 'r1',
          correctedText: '004512.8',
          correctionType: 'OCR_ERROR',
          correctedBy: 'l1',
          previousText: '004512.7',
          imageHash: 'b'.repeat(64),
          rawText: '0045I2.7',
          confidence: 0.55,
          features: [1, 0],
          phash: 'ffff0000ffff0000',
        },
      },
    ]);
  });

  it('given a correction applied, when the same correction id comes again, then nothing', () => {
    expect(when([...recorded, ...when(recorded, correction)], correction)).toEqual([]);
  });

  it('given a corrected reading, when corrected again, then previousText is the last correction', () => {
    const first = when(recorded, correction);
    const [second] = when([...recorded, ...first], { ...correction, correctionId: 'c2', correctedText: '004512.9' });
    expect(second.data).toMatchObject({ previousText: '004512.8', correctedText: '004512.9' });
  });

  it('given nothing, when corrected, then NotFoundError', () => {
    expect(() => when([], correction)).toThrow(NotFoundError);
  });

  it('given a meter reading, when corrected as a vehicle entry, then NotFoundError', () => {
    expect(() => when(recorded, { ...correction, sourceType: 'vehicle_entry' })).toThrow(NotFoundError);
  });

  it("given another tenant's reading, when corrected, then ForbiddenError", () => {
    expect(() => when(recorded, { ...correction, tenantId: 'globex' })).toThrow(ForbiddenError);
  });

  it('given a recorded reading, when corrected with blank text, then ValidationError', () => {
    expect(() => when(recorded, { ...correction, correctedText: '   ' })).toThrow(ValidationError);
  });
});

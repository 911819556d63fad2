import { RecordedEvent } from '../../domain/shared/events';
import { exampleIdFor } from '../../domain/training/training-example.events';
import { Doc } from '../../ports/read-store.port';
import { ProjectionView } from '../../runtime/projection';
import { GroundTruthDoc, evolveGroundTruth, ocrGroundTruthProjection, sourceOfExampleId } from './ocr-ground-truth.projection';

function event(type: string, data: Record<string, unknown>, position: number, stream = 'entry-e1'): RecordedEvent {
  const at = `2026-01-0${position}T00:00:00.000Z`;
  return { eventId: `e${position}`, stream, revision: position - 1, position, type, data, metadata: { tenantId: 'acme', actorId: 'u1', correlationId: 'c', causationId: null, occurredAt: at, schemaVersion: 2 }, recordedAt: at };
}

const capture = { tenantId: 'acme', imageHash: 'h', rawText: 'abc-1234', confidence: 0.64, score: 0.93, calibrationId: 'cal-1', engineName: 'paddle', engine: 'paddle-v5', capturedForTraining: true, features: [], phash: 'p', recordedBy: 'g1' };
const entry = event('VehicleEntryRecorded', { ...capture, entryId: 'e1', gateId: 'north', plate: 'ABC1234' }, 1);
const meter = event('MeterReadingRecorded', { ...capture, readingId: 'r1', assetId: 'm1', value: 4512.7, unit: null, text: '4512.7' }, 1, 'reading-r1');
const correction = (text: string, position: number, stream = 'entry-e1') =>
  event('CorrectionSubmitted', { correctionId: `c${position}`, sourceType: 'vehicle_entry', sourceId: 'e1', correctedText: text, correctionType: 'OCR_ERROR', correctedBy: 'u2', previousText: 'ABC1234' }, position, stream);
const label = (exampleId: string, text: string, position: number) => event('TrainingExampleLabeled', { exampleId, taskId: 't1', label: text, labelerId: 'l1' }, position, `example-${exampleId}`);

const fold = (events: RecordedEvent[]) => events.reduce<GroundTruthDoc | null>(evolveGroundTruth, null);

describe('ocr ground truth projection', () => {
  it('given a recorded entry, then its mode, engine, score and calibration, no truth yet', () => {
    expect(fold([entry])).toEqual({
      source_type: 'vehicle_entry',
      source_id: 'e1',
      tenant_id: 'acme',
      mode: 'plate',
      engine_name: 'paddle',
      engine: 'paddle-v5',
      score: 0.93,
      confidence: 0.64,
      calibration_id: 'cal-1',
      text: 'ABC1234',
      recorded_at: '2026-01-01T00:00:00.000Z',
      truth: null,
      truth_source: null,
      truth_position: null,
      truth_at: null,
      labeled: false,
      correct: null,
    });
  });

  it('given a correction equal after normalisation, then right; a different one, then wrong', () => {
    expect(fold([entry, correction(' abc-1234 ', 2)])).toMatchObject({ truth: ' abc-1234 ', truth_source: 'correction', labeled: true, correct: true, truth_position: 2 });
    expect(fold([entry, correction('ABC1284', 2)])).toMatchObject({ labeled: true, correct: false });
  });

  it('given meter readings, then meter normalisation (a comma is the decimal point)', () => {
    const meterCorrection = event('CorrectionSubmitted', { correctionId: 'c2', sourceType: 'meter_reading', sourceId: 'r1', correctedText: '4512,7', correctionType: 'OCR_ERROR', correctedBy: 'u2' }, 2, 'reading-r1');
    expect(fold([meter, meterCorrection])).toMatchObject({ mode: 'meter', text: '4512.7', correct: true });
  });

  it('given a correction and then a label, then the latest wins', () => {
    const exampleId = exampleIdFor('vehicle_entry', 'e1');
    expect(fold([entry, correction('ABC1284', 2), label(exampleId, 'ABC1234', 3)])).toMatchObject({ truth: 'ABC1234', truth_source: 'label', correct: true, truth_position: 3, truth_at: '2026-01-03T00:00:00.000Z' });
    expect(fold([entry, label(exampleId, 'ABC1234', 2), correction('ABC1284', 3)])).toMatchObject({ truth_source: 'correction', correct: false });
  });

  it("keys a label by its example's source stream, and everything else by its stream", async () => {
    expect(sourceOfExampleId(exampleIdFor('vehicle_entry', 'e1'))).toEqual({ sourceType: 'vehicle_entry', sourceId: 'e1' });
    expect(sourceOfExampleId(exampleIdFor('meter_reading', 'r_1-x'))).toEqual({ sourceType: 'meter_reading', sourceId: 'r_1-x' });
    expect(sourceOfExampleId('zz_1')).toBeNull();
    const puts: string[] = [];
    // The label finds the reading's document; the reading's own event finds none (an existing one
    // it would leave as it is, and nothing would be written).
    let stored = true;
    const view: ProjectionView = {
      get: async <T extends Doc>(_collection: string, id: string) => (stored && id === 'reading-r1' ? (fold([meter]) as unknown as T) : null),
      put: (_collection, id) => void puts.push(id),
      remove: () => undefined,
    };
    await ocrGroundTruthProjection.apply(label(exampleIdFor('meter_reading', 'r1'), '4512.7', 2), view);
    stored = false;
    await ocrGroundTruthProjection.apply(meter, view);
    expect(puts).toEqual(['reading-r1', 'reading-r1']);
  });

  it('given a correction or label without its reading, then no document', () => {
    expect(fold([correction('ABC1234', 2)])).toBeNull();
    expect(fold([label('ve_e1', 'ABC1234', 2)])).toBeNull();
  });
});

import { RecordedEvent } from '../../domain/shared/events';
import { ReadingDoc, correctionDoc, evolveReading } from './readings.projection';

function event(type: string, data: Record<string, unknown>, position: number): RecordedEvent {
  const at = `2026-01-0${position}T00:00:00.000Z`;
  return { eventId: `e${position}`, stream: 'reading-r1', revision: position - 1, position, type, data, metadata: { tenantId: 'acme', actorId: 'g1', correlationId: 'c', causationId: null, occurredAt: at, schemaVersion: 1 }, recordedAt: at };
}

const recorded = event(
  'MeterReadingRecorded',
  { readingId: 'r1', assetId: 'm7', value: 45, unit: null, text: '45', tenantId: 'acme', imageHash: 'h', rawText: '45', confidence: 0.9, engine: 't', capturedForTraining: false, features: [], phash: 'p', recordedBy: 'g1' },
  1,
);
const correction = event(
  'CorrectionSubmitted',
  { correctionId: 'c1', sourceType: 'meter_reading', sourceId: 'r1', correctedText: '46', correctionType: 'WRONG_READING', correctedBy: 'l1', previousText: '45', imageHash: 'h', rawText: '45', confidence: 0.9, features: [], phash: 'p' },
  2,
);

const second = event(
  'CorrectionSubmitted',
  { correctionId: 'c2', sourceType: 'meter_reading', sourceId: 'r1', correctedText: '47', correctionType: 'OCR_ERROR', correctedBy: 'l2', previousText: '46', imageHash: 'h', rawText: '45', confidence: 0.9, features: [], phash: 'p' },
  3,
);

describe('readings projection', () => {
  it('given a recorded reading, then the record with tenant and no corrections', () => {
    expect(evolveReading(null, recorded)).toMatchObject({ id: 'r1', source_type: 'meter_reading', tenant_id: 'acme', asset_id: 'm7', value: 45, captured_for_training: false, corrected_text: null, correction_count: 0 });
  });

  it('given a reading and corrections, then the reading keeps the latest text and a count, not the list', () => {
    const doc = [recorded, correction, second].reduce<ReadingDoc | null>(evolveReading, null);
    expect(doc).toMatchObject({ corrected_text: '47', correction_count: 2, updated_at: '2026-01-03T00:00:00.000Z' });
    expect(JSON.stringify(doc)).not.toContain('c1');
  });

  it('given a correction, then a document of its own, ordered by its log position', () => {
    expect(correctionDoc(correction)).toEqual({
      reading: 'reading-r1',
      position: 2,
      tenant_id: 'acme',
      correction_id: 'c1',
      corrected_text: '46',
      correction_type: 'WRONG_READING',
      previous_text: '45',
      corrected_by: 'l1',
      submitted_at: '2026-01-02T00:00:00.000Z',
    });
    expect(correctionDoc(recorded)).toBeNull();
  });

  it('given a correction without its reading, then no document', () => {
    expect(evolveReading(null, correction)).toBeNull();
  });
});

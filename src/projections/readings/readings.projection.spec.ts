import { RecordedEvent } from '../../domain/shared/events';
import { ReadingDoc, evolveReading } from './readings.projection';

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

describe('readings projection', () => {
  it('given a recorded reading, then the record with tenant and no corrections', () => {
    expect(evolveReading(null, recorded)).toMatchObject({ id: 'r1', source_type: 'meter_reading', tenant_id: 'acme', asset_id: 'm7', value: 45, captured_for_training: false, corrections: [] });
  });

  it('given a reading and a correction, then the correction is listed in order', () => {
    const doc = [recorded, correction].reduce<ReadingDoc | null>(evolveReading, null);
    expect(doc?.corrections).toEqual([{ correction_id: 'c1', corrected_text: '46', correction_type: 'WRONG_READING', previous_text: '45', corrected_by: 'l1', submitted_at: '2026-01-02T00:00:00.000Z' }]);
    expect(doc?.updated_at).toBe('2026-01-02T00:00:00.000Z');
  });

  it('given a correction without its reading, then no document', () => {
    expect(evolveReading(null, correction)).toBeNull();
  });
});

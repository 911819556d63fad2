import { RecordedEvent } from '../shared/events';
import { UpcasterRegistry } from '../shared/upcasting';
import { UPCASTERS } from '../upcasters';
import { readingDecider } from './reading.decider';
import { ReadingEvent } from './reading.events';

const v1Capture = {
  tenantId: 'acme',
  imageHash: 'a'.repeat(64),
  rawText: 'ABC1234',
  confidence: 0.83,
  engine: 'tesseract.js@5 eng 4.0.0_best_int',
  capturedForTraining: false,
  features: [0, 1],
  phash: '0123456789abcdef',
  recordedBy: 'g1',
};

function recorded(type: string, data: Record<string, unknown>, schemaVersion: number): RecordedEvent {
  return {
    eventId: 'e1',
    stream: 'entry-e1',
    revision: 0,
    position: 3,
    type,
    data,
    metadata: { tenantId: 'acme', actorId: 'g1', correlationId: 'c', causationId: null, occurredAt: '2026-01-05T10:00:00.000Z', schemaVersion, hash: 'f'.repeat(64) },
    recordedAt: '2026-01-05T10:00:00.000Z',
  };
}

describe('reading upcasters', () => {
  const registry = new UpcasterRegistry(UPCASTERS);

  it('writes new recorded readings as schema version 2', () => {
    expect(registry.currentVersion('MeterReadingRecorded')).toBe(2);
    expect(registry.currentVersion('VehicleEntryRecorded')).toBe(2);
  });

  it.each([
    ['VehicleEntryRecorded', { ...v1Capture, entryId: 'e1', gateId: 'north', plate: 'ABC1234' }],
    ['MeterReadingRecorded', { ...v1Capture, readingId: 'r1', assetId: 'm1', value: 12.5, unit: null, text: '12.5' }],
  ])('given a v1 %s, when read, then score = confidence, no calibration, engine tesseract; the stored event untouched', (type, data) => {
    const stored = recorded(type, data, 1);
    const frozen = JSON.stringify(stored);
    const lifted = registry.upcast(stored);
    expect(lifted.data).toEqual({ ...data, score: 0.83, calibrationId: null, engineName: 'tesseract' });
    expect(lifted.metadata.schemaVersion).toBe(2);
    expect(lifted.metadata.hash).toBe(stored.metadata.hash);
    expect(JSON.stringify(stored)).toBe(frozen);
  });

  it('given a v2 event, when read, then unchanged', () => {
    const data = { ...v1Capture, score: 0.9, calibrationId: 'cal-1', engineName: 'paddle', entryId: 'e1', gateId: 'north', plate: 'ABC1234' };
    const stored = recorded('VehicleEntryRecorded', data, 2);
    expect(registry.upcast(stored)).toBe(stored);
  });

  it('given a lifted v1 entry, when folded, then the decider sees the newest shape (a correction still works)', () => {
    const lifted = registry.upcast(recorded('VehicleEntryRecorded', { ...v1Capture, entryId: 'e1', gateId: 'north', plate: 'ABC1234' }, 1));
    const state = readingDecider.evolve(readingDecider.initialState, lifted as unknown as ReadingEvent);
    expect(state.status === 'recorded' && state.record.data).toMatchObject({ score: 0.83, calibrationId: null, engineName: 'tesseract' });
  });
});

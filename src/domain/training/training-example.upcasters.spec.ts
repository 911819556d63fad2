import { RecordedEvent } from '../shared/events';
import { UpcasterRegistry } from '../shared/upcasting';
import { UPCASTERS } from '../upcasters';
import { evolveTrainingExample } from '../../projections/training-examples/training-examples.projection';
import { trainingExampleDecider } from './training-example.decider';
import { TrainingExampleEvent } from './training-example.events';
import { trainingExampleCapturedV1ToV2 } from './training-example.upcasters';

const v1Data = {
  exampleId: 'mr_r1',
  sourceSystem: 'meter_reading',
  sourceId: 'r1',
  imageHash: 'a'.repeat(64),
  rawText: '0045 call [PHONE]',
  confidence: 0.42,
  uncertaintyScore: 0.58,
  features: [0, 1, 0.5],
  phash: '0123456789abcdef',
};

const v2Data = {
  exampleId: 'mr_r1',
  sourceSystem: 'meter_reading',
  sourceId: 'r1',
  imageHash: 'a'.repeat(64),
  redactedText: '0045 call [PHONE]',
  confidence: 0.42,
  uncertaintyScore: 0.58,
  diversity: { phash: '0123456789abcdef', vector: [0, 1, 0.5] },
};

function recorded(data: Record<string, unknown>, schemaVersion: number, type = 'TrainingExampleCaptured'): RecordedEvent {
  return {
    eventId: 'e1',
    stream: 'example-mr_r1',
    revision: 0,
    position: 7,
    type,
    data,
    metadata: { tenantId: 'acme', actorId: 'saga:capture', correlationId: 'c', causationId: null, occurredAt: '2026-01-05T10:00:00.000Z', schemaVersion, hash: 'f'.repeat(64) },
    recordedAt: '2026-01-05T10:00:00.000Z',
  };
}

describe('TrainingExampleCaptured upcaster v1 → v2', () => {
  const registry = new UpcasterRegistry(UPCASTERS);

  it('given v1 data, then redactedText and diversity { phash, vector }, nothing else changed', () => {
    expect(trainingExampleCapturedV1ToV2.upcast(v1Data)).toEqual(v2Data);
  });

  it('is pure: the stored data is not mutated and the same input gives the same output', () => {
    const stored = JSON.parse(JSON.stringify(v1Data)) as typeof v1Data;
    const first = trainingExampleCapturedV1ToV2.upcast(stored);
    expect(stored).toEqual(v1Data);
    expect(trainingExampleCapturedV1ToV2.upcast(stored)).toEqual(first);
    (first.diversity as { vector: number[] }).vector.push(9);
    expect(stored.features).toEqual([0, 1, 0.5]);
  });

  it('keeps fields it does not know (a v1 event loses nothing on the way up)', () => {
    expect(trainingExampleCapturedV1ToV2.upcast({ ...v1Data, extra: 'x' })).toMatchObject({ extra: 'x', redactedText: v1Data.rawText });
  });

  it('is registered: new events are written as v2', () => {
    expect(registry.currentVersion('TrainingExampleCaptured')).toBe(2);
    expect(registry.currentVersion('TrainingExampleCorrected')).toBe(1);
  });

  it('given a recorded v1 event, then the registry lifts it to v2 and keeps the envelope (hash included)', () => {
    const event = recorded(v1Data, 1);
    const up = registry.upcast(event);
    expect(up.data).toEqual(v2Data);
    expect(up.metadata).toEqual({ ...event.metadata, schemaVersion: 2 });
    expect({ ...up, data: null, metadata: null }).toEqual({ ...event, data: null, metadata: null });
    expect(event.data).toEqual(v1Data);
  });

  it('given a v2 event or another type, then it passes through untouched (same object)', () => {
    const v2 = recorded(v2Data, 2);
    expect(registry.upcast(v2)).toBe(v2);
    const other = recorded({ exampleId: 'mr_r1' }, 1, 'TrainingExampleQueued');
    expect(registry.upcast(other)).toBe(other);
  });

  it('given a v1 event without schemaVersion (the oldest logs), then it is treated as v1', () => {
    const legacy = recorded(v1Data, 1);
    const { schemaVersion: _omitted, ...metadata } = legacy.metadata;
    expect(registry.upcast({ ...legacy, metadata: metadata as RecordedEvent['metadata'] }).data).toEqual(v2Data);
  });

  it('given v1 or v2 of the same capture, then the decider and the projection end in the same state', () => {
    const fromV1 = registry.upcast(recorded(v1Data, 1));
    const fromV2 = recorded(v2Data, 2);
    const state = (e: RecordedEvent) => trainingExampleDecider.evolve(trainingExampleDecider.initialState, e as unknown as TrainingExampleEvent);
    expect(state(fromV1)).toEqual(state(fromV2));
    expect(evolveTrainingExample(null, fromV1)).toEqual(evolveTrainingExample(null, fromV2));
    expect(evolveTrainingExample(null, fromV1)).toMatchObject({ raw_text: '0045 call [PHONE]', phash: v1Data.phash, features: v1Data.features });
  });
});

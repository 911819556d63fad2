import { UnprocessableError } from '../shared/errors';
import { DatasetCommand, datasetDecider as decider, labelHash } from './dataset.decider';

const create: DatasetCommand = {
  kind: 'create',
  datasetId: 'ds_1',
  tenantId: 'acme',
  name: 'week 2',
  sourceSystem: null,
  at: '2026-01-12T09:00:00.000Z',
  examples: [
    { exampleId: 've_2', sourceSystem: 'vehicle_entry', imageHash: 'b'.repeat(64), label: 'AB123CD', labelSource: 'labeler' },
    { exampleId: 'mr_1', sourceSystem: 'meter_reading', imageHash: 'a'.repeat(64), label: '01234', labelSource: 'correction' },
  ],
};

describe('dataset decider', () => {
  it('freezes the labeled examples, sorted, with label hashes and a content hash', () => {
    const [event] = decider.decide(create, decider.initialState);
    expect(event.data.exampleCount).toBe(2);
    expect(event.data.examples.map((e) => e.exampleId)).toEqual(['mr_1', 've_2']);
    expect(event.data.examples[0].labelHash).toBe(labelHash('01234'));
    const [again] = decider.decide({ ...create, datasetId: 'ds_2', examples: [...create.examples].reverse() }, decider.initialState);
    expect(again.data.contentHash).toBe(event.data.contentHash);
  });

  it('a version is created once', () => {
    const state = decider.decide(create, decider.initialState).reduce(decider.evolve, decider.initialState);
    expect(decider.decide(create, state)).toEqual([]);
  });

  it('422 when nothing is labeled yet', () => {
    expect(() => decider.decide({ ...create, examples: [] }, decider.initialState)).toThrow(UnprocessableError);
  });
});

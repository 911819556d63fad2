import { ValidationError } from '../shared/errors';
import { ActiveLearningBatchCommand, activeLearningBatchDecider as decider, poolHash, taskIdFor } from './active-learning-batch.decider';
import { ChosenExample } from './active-learning-batch.events';

const chosen: ChosenExample[] = [
  { exampleId: 'mr_1', taskId: taskIdFor('acme.2026-W02', 'mr_1'), sourceSystem: 'meter_reading', isCorrection: true, uncertaintyScore: 1, diversityDistance: 1, rank: 1, priority: 1 },
  { exampleId: 've_2', taskId: taskIdFor('acme.2026-W02', 've_2'), sourceSystem: 'vehicle_entry', isCorrection: false, uncertaintyScore: 0.6, diversityDistance: 0.4, rank: 2, priority: 0.6 },
];
const select: ActiveLearningBatchCommand = {
  kind: 'select',
  batchId: 'acme.2026-W02',
  tenantId: 'acme',
  week: '2026-W02',
  strategy: 'uncertainty_kcenter_v1',
  parameters: { batchSize: 2 },
  seed: 'acme.2026-W02',
  poolIds: ['ve_2', 'mr_1', 'mr_3'],
  chosen,
  at: '2026-01-11T02:00:00.000Z',
};

describe('active-learning batch decider', () => {
  it('records strategy, parameters, seed, pool and the chosen examples with their scores', () => {
    const [event] = decider.decide(select, decider.initialState);
    expect(event.type).toBe('ActiveLearningBatchSelected');
    expect(event.data).toMatchObject({ batchId: 'acme.2026-W02', week: '2026-W02', strategy: 'uncertainty_kcenter_v1', seed: 'acme.2026-W02', poolSize: 3, chosen });
    expect(event.data.poolHash).toBe(poolHash(['mr_1', 'mr_3', 've_2']));
  });

  it('selects once per batch id: a second run in the same week decides nothing', () => {
    const state = decider.decide(select, decider.initialState).reduce(decider.evolve, decider.initialState);
    expect(decider.decide({ ...select, chosen: chosen.slice(1), at: '2026-01-11T03:00:00.000Z' }, state)).toEqual([]);
  });

  it('refuses an empty batch, duplicates and examples from outside the pool', () => {
    expect(() => decider.decide({ ...select, chosen: [] }, decider.initialState)).toThrow(ValidationError);
    expect(() => decider.decide({ ...select, chosen: [chosen[0], chosen[0]] }, decider.initialState)).toThrow(ValidationError);
    expect(() => decider.decide({ ...select, poolIds: ['mr_1'] }, decider.initialState)).toThrow(/not in the pool/);
  });

  it('derives task ids deterministically from batch and example', () => {
    expect(taskIdFor('acme.2026-W02', 'mr_1')).toBe(taskIdFor('acme.2026-W02', 'mr_1'));
    expect(taskIdFor('acme.2026-W02', 'mr_1')).not.toBe(taskIdFor('acme.2026-W03', 'mr_1'));
    expect(taskIdFor('acme.2026-W02', 'mr_1')).toMatch(/^lt_[0-9a-f]{24}$/);
  });
});

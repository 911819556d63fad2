import { ForbiddenError, NotFoundError } from '../shared/errors';
import { PredictionState, RecordOutcome, RecordPrediction, predictionDecider } from './prediction.decider';
import { PredictionEvent } from './prediction.events';
import { isCorrect, recommendationFor, riskLevel } from './risk';

const predict: RecordPrediction = {
  type: 'RecordPrediction',
  prediction: {
    predictionId: 'p1',
    tenantId: 'acme',
    modelType: 'conflict_predictor',
    modelVersion: 'heuristic_v1',
    probability: 0.6,
    riskLevel: 'high',
    recommendation: 'delay_sync',
    features: { concurrent_editors: 2 },
    userId: 'u1',
    entityType: 'meter',
    entityId: 'm1',
    deviceId: 'd1',
    fields: ['value'],
    predictedAt: '2026-01-01T00:00:00.000Z',
  },
};
const outcome: RecordOutcome = { type: 'RecordOutcome', predictionId: 'p1', tenantId: 'acme', syncId: 's1', conflictOccurred: true, threshold: 0.5, recordedAt: '2026-01-01T01:00:00.000Z' };

const given = (events: readonly PredictionEvent[]): PredictionState => events.reduce(predictionDecider.evolve, predictionDecider.initialState);

describe('prediction decider', () => {
  it('records a prediction once', () => {
    const events = predictionDecider.decide(predict, given([]));
    expect(events.map((e) => e.type)).toEqual(['ConflictPredicted']);
    expect(predictionDecider.decide(predict, given(events))).toEqual([]);
    expect(() => predictionDecider.decide({ prediction: { ...predict.prediction, tenantId: 'other' }, type: 'RecordPrediction' }, given(events))).toThrow(ForbiddenError);
  });

  it('records an outcome once, however often asked', () => {
    const history = predictionDecider.decide(predict, given([]));
    const [event] = predictionDecider.decide(outcome, given(history));
    expect(event).toEqual({ type: 'PredictionOutcomeRecorded', data: expect.objectContaining({ conflictOccurred: true, correct: true, modelVersion: 'heuristic_v1', syncId: 's1' }) });
    const closed = given([...history, event]);
    expect(predictionDecider.decide(outcome, closed)).toEqual([]);
    expect(predictionDecider.decide({ ...outcome, conflictOccurred: false, syncId: null }, closed)).toEqual([]);
  });

  it('judges correctness against the decision threshold', () => {
    const history = predictionDecider.decide(predict, given([]));
    const [negative] = predictionDecider.decide({ ...outcome, conflictOccurred: false }, given(history));
    expect(negative.data).toEqual(expect.objectContaining({ correct: false }));
    expect(isCorrect(0.5, 0.5, true)).toBe(true);
    expect(isCorrect(0.49, 0.5, false)).toBe(true);
    expect(isCorrect(0.49, 0.5, true)).toBe(false);
  });

  it('refuses an outcome for an unknown prediction', () => {
    expect(() => predictionDecider.decide(outcome, given([]))).toThrow(NotFoundError);
  });
});

describe('risk levels', () => {
  const bounds = { medium: 0.2, high: 0.5 };
  it.each([
    [0, 'low', 'sync_now'],
    [0.1999, 'low', 'sync_now'],
    [0.2, 'medium', 'sync_with_review'],
    [0.4999, 'medium', 'sync_with_review'],
    [0.5, 'high', 'delay_sync'],
    [0.95, 'high', 'delay_sync'],
  ] as const)('%p is %s (%s)', (p, level, recommendation) => {
    expect(riskLevel(p, bounds)).toBe(level);
    expect(recommendationFor(riskLevel(p, bounds))).toBe(recommendation);
  });
});

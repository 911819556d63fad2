import { AccuracyAlertEvent, AccuracyAlertState, EvaluateAccuracy, accuracyAlertDecider, accuracyBreached } from './accuracy-alert.decider';

const evaluate = (correct: number, total: number, day = '2026-01-01'): EvaluateAccuracy => ({
  type: 'EvaluateAccuracy',
  modelType: 'conflict_predictor',
  correct,
  total,
  threshold: 0.7,
  minSamples: 100,
  windowDays: 7,
  day,
  at: `${day}T06:00:00.000Z`,
});
const given = (events: readonly AccuracyAlertEvent[]): AccuracyAlertState => events.reduce(accuracyAlertDecider.evolve, accuracyAlertDecider.initialState);

describe('accuracy alert decider', () => {
  it('needs both low accuracy and enough samples', () => {
    expect(accuracyBreached(69, 100, 0.7, 100)).toBe(true);
    expect(accuracyBreached(70, 100, 0.7, 100)).toBe(false);
    expect(accuracyBreached(0, 99, 0.7, 100)).toBe(false);
  });

  it('raises once per day while it lasts, then clears when accuracy recovers', () => {
    const [raised] = accuracyAlertDecider.decide(evaluate(50, 100), given([]));
    expect(raised).toEqual({ type: 'AccuracyAlertRaised', data: expect.objectContaining({ accuracy: 0.5, sampleSize: 100, day: '2026-01-01' }) });
    expect(accuracyAlertDecider.decide(evaluate(40, 120), given([raised]))).toEqual([]);
    const [again] = accuracyAlertDecider.decide(evaluate(40, 120, '2026-01-02'), given([raised]));
    expect(again.type).toBe('AccuracyAlertRaised');
    const [cleared] = accuracyAlertDecider.decide(evaluate(90, 120, '2026-01-02'), given([raised, again]));
    expect(cleared).toEqual({ type: 'AccuracyAlertCleared', data: expect.objectContaining({ reason: 'recovered', accuracy: 0.75 }) });
    expect(accuracyAlertDecider.decide(evaluate(90, 120), given([raised, cleared]))).toEqual([]);
  });

  it('clears when the window no longer holds enough samples', () => {
    const [raised] = accuracyAlertDecider.decide(evaluate(50, 100), given([]));
    expect(accuracyAlertDecider.decide(evaluate(10, 50), given([raised]))[0].data).toEqual(expect.objectContaining({ reason: 'too_few_samples' }));
  });
});

import { Decider } from '../shared/decider';
import { assertNever } from '../shared/errors';
import { DomainEvent } from '../shared/events';

/** Stream `accuracy_alert-<modelType>`: the accuracy alert of one model type. */
export type AccuracyAlertRaised = DomainEvent<
  'AccuracyAlertRaised',
  { modelType: string; accuracy: number; sampleSize: number; threshold: number; minSamples: number; windowDays: number; day: string; raisedAt: string }
>;
export type AccuracyAlertCleared = DomainEvent<
  'AccuracyAlertCleared',
  { modelType: string; accuracy: number | null; sampleSize: number; reason: 'recovered' | 'too_few_samples'; clearedAt: string }
>;
export type AccuracyAlertEvent = AccuracyAlertRaised | AccuracyAlertCleared;

export type AccuracyAlertState = { readonly raised: false } | { readonly raised: true; readonly lastRaisedDay: string };

export interface EvaluateAccuracy {
  readonly type: 'EvaluateAccuracy';
  readonly modelType: string;
  readonly correct: number;
  readonly total: number;
  readonly threshold: number;
  readonly minSamples: number;
  readonly windowDays: number;
  /** UTC day of `at`: a lasting alert is raised again once per day. */
  readonly day: string;
  readonly at: string;
}

/** The rule: accuracy below the threshold over at least the minimum sample. */
export function accuracyBreached(correct: number, total: number, threshold: number, minSamples: number): boolean {
  return total >= minSamples && correct / total < threshold;
}

export const accuracyAlertDecider: Decider<AccuracyAlertState, EvaluateAccuracy, AccuracyAlertEvent> = {
  initialState: { raised: false },
  evolve(_state, event) {
    switch (event.type) {
      case 'AccuracyAlertRaised':
        return { raised: true, lastRaisedDay: event.data.day };
      case 'AccuracyAlertCleared':
        return { raised: false };
      default:
        return assertNever(event, 'accuracy alert event');
    }
  },
  decide(c, state) {
    const accuracy = c.total === 0 ? null : c.correct / c.total;
    if (accuracyBreached(c.correct, c.total, c.threshold, c.minSamples)) {
      if (state.raised && state.lastRaisedDay === c.day) return [];
      return [
        {
          type: 'AccuracyAlertRaised',
          data: { modelType: c.modelType, accuracy: accuracy as number, sampleSize: c.total, threshold: c.threshold, minSamples: c.minSamples, windowDays: c.windowDays, day: c.day, raisedAt: c.at },
        },
      ];
    }
    if (!state.raised) return [];
    return [
      {
        type: 'AccuracyAlertCleared',
        data: { modelType: c.modelType, accuracy, sampleSize: c.total, reason: c.total >= c.minSamples ? 'recovered' : 'too_few_samples', clearedAt: c.at },
      },
    ];
  },
};

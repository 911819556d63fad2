import { isEventOf } from '../../domain/shared/events';
import { AccuracyAlertCleared, AccuracyAlertRaised } from '../../domain/predictions/accuracy-alert.decider';
import { PredictionOutcomeRecorded } from '../../domain/predictions/prediction.events';
import { Projection } from '../../runtime/projection';

export const ACCURACY_DAILY = 'accuracy_daily';
export const ACCURACY_ALERTS = 'accuracy_alerts';

/**
 * One bucket per model type, version and UTC day of the prediction (not of the outcome), so a
 * window slides by reading a handful of days. Hour sub-buckets let callers ask for any window to
 * the hour (a new model's first 24 h).
 */
export interface AccuracyDayDoc extends Record<string, unknown> {
  readonly model_type: string;
  readonly model_version: string;
  readonly day: string;
  readonly day_ms: number;
  readonly correct: number;
  readonly total: number;
  /** hour of day (0-23) → [correct, total] */
  readonly hours: Readonly<Record<string, readonly [number, number]>>;
}

export interface AccuracyAlertDoc extends Record<string, unknown> {
  readonly model_type: string;
  readonly raised: boolean;
  readonly accuracy: number | null;
  readonly sample_size: number;
  readonly raised_at: string | null;
  readonly cleared_at: string | null;
}

const DAY_MS = 24 * 3600 * 1000;

export function dayOf(ms: number): { day: string; dayMs: number; hour: number } {
  const dayMs = Math.floor(ms / DAY_MS) * DAY_MS;
  return { day: new Date(dayMs).toISOString().slice(0, 10), dayMs, hour: new Date(ms).getUTCHours() };
}

export function addOutcome(doc: AccuracyDayDoc | null, data: PredictionOutcomeRecorded['data']): AccuracyDayDoc {
  const { day, dayMs, hour } = dayOf(Date.parse(data.predictedAt));
  const base: AccuracyDayDoc = doc ?? { model_type: data.modelType, model_version: data.modelVersion, day, day_ms: dayMs, correct: 0, total: 0, hours: {} };
  const inc = data.correct ? 1 : 0;
  const [c, t] = base.hours[String(hour)] ?? [0, 0];
  return { ...base, correct: base.correct + inc, total: base.total + 1, hours: { ...base.hours, [String(hour)]: [c + inc, t + 1] } };
}

export const accuracyProjection: Projection = {
  name: 'prediction-accuracy',
  version: 1,
  collections: [ACCURACY_DAILY, ACCURACY_ALERTS],
  indexes: { [ACCURACY_DAILY]: [['model_type', 'day_ms']] },
  eventTypes: ['PredictionOutcomeRecorded', 'AccuracyAlertRaised', 'AccuracyAlertCleared'],
  async apply(event, view) {
    if (isEventOf<PredictionOutcomeRecorded>(event, 'PredictionOutcomeRecorded')) {
      const { day } = dayOf(Date.parse(event.data.predictedAt));
      const id = `${event.data.modelType}/${event.data.modelVersion}/${day}`;
      view.put(ACCURACY_DAILY, id, addOutcome(await view.get<AccuracyDayDoc>(ACCURACY_DAILY, id), event.data));
    } else if (isEventOf<AccuracyAlertRaised>(event, 'AccuracyAlertRaised')) {
      const d = event.data;
      view.put(ACCURACY_ALERTS, d.modelType, { model_type: d.modelType, raised: true, accuracy: d.accuracy, sample_size: d.sampleSize, raised_at: d.raisedAt, cleared_at: null } satisfies AccuracyAlertDoc);
    } else if (isEventOf<AccuracyAlertCleared>(event, 'AccuracyAlertCleared')) {
      const d = event.data;
      const previous = await view.get<AccuracyAlertDoc>(ACCURACY_ALERTS, d.modelType);
      view.put(ACCURACY_ALERTS, d.modelType, {
        model_type: d.modelType,
        raised: false,
        accuracy: d.accuracy,
        sample_size: d.sampleSize,
        raised_at: previous?.raised_at ?? null,
        cleared_at: d.clearedAt,
      } satisfies AccuracyAlertDoc);
    }
  },
};

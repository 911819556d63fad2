import { AccuracyChart } from '../charts';
import { Panel, errorText, fmtPct, type Loaded } from '../common';
import type { Accuracy, DailyAccuracy } from '../types';
import { Stat } from './Stat';

/** The daily endpoint gives one row per (day, version); the chart shows one point per day. */
function perDay(rows: DailyAccuracy[]): { day: string; correct: number; total: number }[] {
  const byDay = new Map<string, { day: string; correct: number; total: number }>();
  for (const r of rows) {
    const d = byDay.get(r.day) ?? { day: r.day, correct: 0, total: 0 };
    d.correct += r.correct;
    d.total += r.total;
    byDay.set(r.day, d);
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/** The conflict predictor's windowed accuracy, its alert, and correct / resolved per day. */
export function AccuracyPanel({ accuracy, daily }: { accuracy: Loaded<Accuracy>; daily: Loaded<DailyAccuracy[]> }) {
  return (
    <Panel title="Conflict predictor accuracy" loaded={accuracy} testId="accuracy">
      {(a) => (
        <>
          <div className="stats">
            <Stat label={`accuracy, last ${a.window_days} days`} value={fmtPct(a.accuracy)} testId="stat-accuracy" tone={a.alert ? 'bad' : undefined} />
            <Stat label="resolved predictions" value={String(a.sample_size)} testId="stat-accuracy-samples" />
          </div>
          {a.alert ? (
            <p className="notice error" role="alert">
              Accuracy is below {fmtPct(a.alert_below)} over at least {a.alert_min_samples} resolved predictions.
            </p>
          ) : null}
          <h3>Correct / resolved per day (30 days)</h3>
          {daily.error !== undefined ? (
            <p className="muted">{errorText(daily.error)}</p>
          ) : daily.data ? (
            <AccuracyChart title="Daily accuracy of the conflict predictor" days={perDay(daily.data)} testId="accuracy-chart" />
          ) : (
            <p className="muted">Loading…</p>
          )}
        </>
      )}
    </Panel>
  );
}

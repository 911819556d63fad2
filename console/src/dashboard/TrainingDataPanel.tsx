import { BarChart } from '../charts';
import { Panel, fmtNum, fmtTime, type Loaded } from '../common';
import type { Metrics } from '../types';
import { Stat } from './Stat';

/** The flywheel's intake: corrections, backlog, its oldest task, examples per day and open alerts. */
export function TrainingDataPanel({ metrics }: { metrics: Loaded<Metrics> }) {
  return (
    <Panel title="Training data" loaded={metrics} testId="metrics">
      {(m) => (
        <>
          <div className="stats">
            <Stat label="corrections, last 7 days" value={String(m.corrections_last_7_days)} testId="stat-corrections" />
            <Stat label="labeling backlog" value={String(m.labeling_backlog)} testId="stat-backlog" />
            <Stat
              label="oldest open task"
              value={m.oldest_open_task_age_hours == null ? '—' : `${fmtNum(m.oldest_open_task_age_hours, 1)} h`}
              testId="stat-oldest"
            />
            <Stat
              label="open alerts"
              value={String(m.alerts.length)}
              testId="stat-alerts"
              tone={m.alerts.length ? 'bad' : undefined}
            />
          </div>
          <h3>Examples captured per day</h3>
          <BarChart
            title="Training examples captured per day"
            points={m.captured_per_day.map((d) => ({ label: d.day, value: d.count }))}
            testId="captured-chart"
          />
          {m.alerts.length ? (
            <ul className="alerts" aria-label="Open alerts" data-testid="alerts">
              {m.alerts.map((a) => (
                <li key={`${a.type}:${a.raised_at}`}>
                  <strong>{a.type}</strong> ({a.severity}, since {fmtTime(a.raised_at)}): {a.message}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No open alerts.</p>
          )}
        </>
      )}
    </Panel>
  );
}

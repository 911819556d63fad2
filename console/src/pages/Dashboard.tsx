import { useEffect, useState } from 'react';
import type { Page } from '../api';
import { AccuracyChart, BarChart } from '../charts';
import { hasAnyRole } from '../auth';
import { Panel, errorText, fmtNum, fmtPct, fmtTime, useLoad, useSession } from '../common';

interface Metrics {
  captured_per_day: { day: string; count: number }[];
  corrections_last_7_days: number;
  labeling_backlog: number;
  oldest_open_task_age_hours: number | null;
  alerts: { type: string; severity: string; message: string; raised_at: string }[];
}

interface Accuracy {
  accuracy: number | null;
  correct: number;
  sample_size: number;
  window_days: number;
  /** Whether the accuracy alert is raised (below alert_below over at least alert_min_samples). */
  alert: boolean;
  alert_below: number;
  alert_min_samples: number;
}

interface DailyAccuracy {
  day: string;
  model_version: string;
  correct: number;
  total: number;
}

interface Projection {
  name: string;
  version: number;
  /** A log position: a string of digits. */
  checkpoint: string;
  lag: number;
  status: 'catching_up' | 'live' | 'rebuilding' | 'stopped' | 'stalled';
  /** The next generation while a blue/green rebuild runs. */
  building: { version: number; generation: number; checkpoint: string } | null;
  /** Events the projection stopped at after repeated failures, waiting for ops to retry or skip. */
  parked?: { position: string; event_type: string; error: string; attempts: number; parked_at: string }[];
}

const MODEL_TYPE = 'conflict_predictor';

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

function Stat({ label, value, testId, tone }: { label: string; value: string; testId?: string; tone?: 'bad' }) {
  return (
    <div className={`stat ${tone ?? ''}`}>
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
      <div className="stat-label">{label}</div>
    </div>
  );
}

export function Dashboard() {
  const { api, session } = useSession();
  // Projections (lag, parked events, rebuilds) are for ops only, as the service's roles say.
  const isOps = hasAnyRole(session, ['ops']);
  const metrics = useLoad(() => api.get<Metrics>('/api/v2/ml-training/metrics'), [api]);
  const accuracy = useLoad(
    () => api.get<Accuracy>('/api/v2/ml/accuracy', { model_type: MODEL_TYPE, window_days: 7 }),
    [api],
  );
  const daily = useLoad(
    // A bare array, as API.md gives it: one row per (day, model version).
    () => api.get<DailyAccuracy[]>('/api/v2/ml/accuracy/daily', { model_type: MODEL_TYPE, days: 30 }),
    [api],
  );
  const projections = useLoad(
    () => (isOps ? api.get<Page<Projection>>('/api/v2/ops/projections').then((p) => p.items) : Promise.resolve([])),
    [api, isOps],
  );
  const [rebuildNote, setRebuildNote] = useState<string | null>(null);

  // Projection lag moves on its own; keep that table fresh while the page is open.
  const reloadProjections = projections.reload;
  useEffect(() => {
    if (!isOps) return undefined;
    const t = setInterval(() => document.visibilityState === 'visible' && reloadProjections(), 10_000);
    return () => clearInterval(t);
  }, [reloadProjections, isOps]);

  async function rebuild(name: string) {
    setRebuildNote(null);
    try {
      await api.post(`/api/v2/ops/projections/${encodeURIComponent(name)}/rebuild`);
      setRebuildNote(`Rebuild of ${name} started; the old version keeps answering until the new one has caught up.`);
      setTimeout(reloadProjections, 1000);
    } catch (err) {
      setRebuildNote(`Rebuild of ${name} failed: ${errorText(err)}`);
    }
  }

  return (
    <div className="grid">
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

      {isOps ? (
        <Panel
          title="Projections"
          loaded={projections}
          testId="projections"
          actions={
            <button type="button" onClick={reloadProjections}>
              Refresh
            </button>
          }
        >
          {(list) => (
            <>
              {rebuildNote ? (
                <p className="notice" role="status" data-testid="rebuild-note">
                  {rebuildNote}
                </p>
              ) : null}
              {list.length === 0 ? <p className="muted">No projections registered.</p> : null}
              <div className="table-wrap"><table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Version</th>
                    <th scope="col">Checkpoint</th>
                    <th scope="col">Lag</th>
                    <th scope="col">Status</th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((p) => (
                    <tr key={p.name} data-testid="projection-row" data-name={p.name}>
                      <td>
                        <code>{p.name}</code>
                      </td>
                      <td>{p.version}</td>
                      <td>{p.checkpoint}</td>
                      <td className={p.lag > 0 ? 'warn' : undefined}>{p.lag}</td>
                      <td>
                        <span className={`badge ${p.status}`}>{p.status}</span>
                        {p.building ? (
                          <div className="muted small">
                            building v{p.building.version} (generation {p.building.generation}) at {p.building.checkpoint}
                          </div>
                        ) : null}
                        {p.parked?.length ? (
                          <ul className="alerts" aria-label={`Events parked by ${p.name}`} data-testid="parked">
                            {p.parked.map((e) => (
                              <li key={e.position}>
                                parked at <code>{e.position}</code> ({e.event_type}, {e.attempts} attempts, since {fmtTime(e.parked_at)}): {e.error}
                              </li>
                            ))}
                          </ul>
                        ) : null}
                      </td>
                      <td>
                        <button type="button" onClick={() => void rebuild(p.name)} aria-label={`Rebuild ${p.name}`} disabled={!!p.building}>
                          Rebuild
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table></div>
            </>
          )}
        </Panel>
      ) : null}
    </div>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import type { Page } from '../api';
import { ErrorNotice, fmtNum, fmtTime, useSession } from '../common';

const MODEL_TYPE = 'conflict_predictor';

/** One item of GET /ml/predictions. */
interface Prediction {
  prediction_id: string;
  model_type: string;
  model_version: string;
  probability: number;
  risk_level: 'low' | 'medium' | 'high';
  recommendation: 'sync_now' | 'sync_with_review' | 'delay_sync';
  user_id: string;
  entity_type: string;
  entity_id: string;
  device_id: string;
  sync_id: string | null;
  predicted_at: string;
  outcome: 'pending' | 'correct' | 'incorrect';
  /** Known once the outcome is: did the sync conflict? */
  conflict_occurred: boolean | null;
  outcome_recorded_at: string | null;
}

interface Filters {
  outcome: string;
  model_version: string;
}

export function Predictions() {
  const { api } = useSession();
  const [draft, setDraft] = useState<Filters>({ outcome: '', model_version: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const [rows, setRows] = useState<Prediction[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(false);
  const [versions, setVersions] = useState<string[]>([]);

  // Version suggestions come from the registry when this role may read it; a free text field otherwise.
  useEffect(() => {
    api
      .get<Page<{ version: string }>>('/api/v2/ml/models', { model_type: MODEL_TYPE, limit: 500 })
      .then((b) => setVersions(b.items.map((m) => m.version)))
      .catch(() => setVersions([]));
  }, [api]);

  async function load(f: Filters, after: string | null) {
    setLoading(true);
    setError(undefined);
    try {
      const page = await api.get<Page<Prediction>>('/api/v2/ml/predictions', {
        model_type: MODEL_TYPE,
        outcome: f.outcome,
        model_version: f.model_version,
        limit: 50,
        cursor: after,
      });
      setRows((prev) => (after ? [...prev, ...page.items] : page.items));
      setCursor(page.next_cursor);
    } catch (err) {
      setError(err);
      if (!after) setRows([]);
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    void load(filters, null);
  }, [api, filters]);

  function apply(e: FormEvent) {
    e.preventDefault();
    setFilters({ ...draft, model_version: draft.model_version.trim() });
  }

  return (
    <section className="panel" aria-labelledby="pred-title" data-testid="predictions">
      <header className="panel-head">
        <h2 id="pred-title">Prediction log</h2>
      </header>
      <form className="filters" onSubmit={apply} aria-label="Filter predictions">
        <label>
          Outcome
          <select
            value={draft.outcome}
            onChange={(e) => {
              const next = { ...draft, outcome: e.target.value };
              setDraft(next);
              setFilters({ ...next, model_version: next.model_version.trim() });
            }}
            data-testid="filter-outcome"
          >
            <option value="">any</option>
            <option value="pending">pending</option>
            <option value="correct">correct</option>
            <option value="incorrect">incorrect</option>
          </select>
        </label>
        <label>
          Model version
          <input
            list="model-versions"
            value={draft.model_version}
            onChange={(e) => setDraft({ ...draft, model_version: e.target.value })}
            placeholder="any (e.g. heuristic_v1)"
            data-testid="filter-version"
          />
          <datalist id="model-versions">
            <option value="heuristic_v1" />
            {versions.map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
        </label>
        <button type="submit">Apply</button>
      </form>

      {error !== undefined ? <ErrorNotice error={error} /> : null}
      {error === undefined && rows.length === 0 && !loading ? (
        <p className="muted" data-testid="predictions-empty">No predictions match.</p>
      ) : null}
      {rows.length > 0 ? (
        <div className="table-wrap"><table>
          <thead>
            <tr>
              <th scope="col">Predicted</th>
              <th scope="col">Entity</th>
              <th scope="col">Probability</th>
              <th scope="col">Risk</th>
              <th scope="col">Recommendation</th>
              <th scope="col">Model</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.prediction_id} data-testid="prediction-row">
                <td title={p.prediction_id}>{fmtTime(p.predicted_at)}</td>
                <td>
                  {p.entity_type} <code>{p.entity_id}</code>
                  <div className="muted small">
                    {p.user_id} · {p.device_id}
                  </div>
                </td>
                <td>{fmtNum(p.probability)}</td>
                <td>
                  <span className={`badge risk-${p.risk_level}`}>{p.risk_level}</span>
                </td>
                <td>{p.recommendation.replace(/_/g, ' ')}</td>
                <td data-testid="prediction-model">
                  <code>{p.model_version}</code>
                </td>
                <td data-testid="prediction-outcome">
                  <span className={`badge ${p.outcome}`}>{p.outcome}</span>
                  {p.conflict_occurred !== null ? (
                    <div className="muted small">{p.conflict_occurred ? 'conflicted' : 'no conflict'}</div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table></div>
      ) : null}
      <div className="pager">
        {loading ? <span className="muted">Loading…</span> : null}
        {cursor && !loading ? (
          <button type="button" onClick={() => void load(filters, cursor)} data-testid="load-more">
            Load more
          </button>
        ) : null}
      </div>
    </section>
  );
}

import { useState } from 'react';
import { ErrorNotice, useSession } from '../common';
import { PredictionFilters, type Filters } from '../predictions/PredictionFilters';
import { PredictionTable } from '../predictions/PredictionTable';
import { useModelVersions, usePredictionLog } from '../predictions/use-prediction-log';

/** The prediction log, filtered by outcome and model version, with its outcomes as they resolve. */
export function Predictions() {
  const { api } = useSession();
  const [draft, setDraft] = useState<Filters>({ outcome: '', model_version: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const versions = useModelVersions(api);
  const { rows, cursor, error, loading, more } = usePredictionLog(api, filters);

  return (
    <section className="panel" aria-labelledby="pred-title" data-testid="predictions">
      <header className="panel-head">
        <h2 id="pred-title">Prediction log</h2>
      </header>
      <PredictionFilters draft={draft} versions={versions} onDraft={setDraft} onApply={setFilters} />

      {error !== undefined ? <ErrorNotice error={error} /> : null}
      {error === undefined && rows.length === 0 && !loading ? (
        <p className="muted" data-testid="predictions-empty">No predictions match.</p>
      ) : null}
      {rows.length > 0 ? <PredictionTable rows={rows} /> : null}
      <div className="pager">
        {loading ? <span className="muted">Loading…</span> : null}
        {cursor && !loading ? (
          <button type="button" onClick={more} data-testid="load-more">
            Load more
          </button>
        ) : null}
      </div>
    </section>
  );
}

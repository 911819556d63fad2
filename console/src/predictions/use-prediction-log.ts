import { useEffect, useState } from 'react';
import type { ApiClient, Page } from '../api';
import type { Prediction } from '../types';
import type { Filters } from './PredictionFilters';

export const MODEL_TYPE = 'conflict_predictor';

/** The prediction log under the filters, a page at a time (`more()` appends the next page). */
export function usePredictionLog(api: ApiClient, filters: Filters) {
  const [rows, setRows] = useState<Prediction[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(false);

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

  return { rows, cursor, error, loading, more: () => void load(filters, cursor) };
}

/** Version suggestions come from the registry when this role may read it; a free text field otherwise. */
export function useModelVersions(api: ApiClient): string[] {
  const [versions, setVersions] = useState<string[]>([]);
  useEffect(() => {
    api
      .get<Page<{ version: string }>>('/api/v2/ml/models', { model_type: MODEL_TYPE, limit: 500 })
      .then((b) => setVersions(b.items.map((m) => m.version)))
      .catch(() => setVersions([]));
  }, [api]);
  return versions;
}

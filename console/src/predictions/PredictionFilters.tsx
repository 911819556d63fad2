import type { FormEvent } from 'react';

export interface Filters {
  outcome: string;
  model_version: string;
}

/** Outcome (applies at once) and model version (applies on submit, suggested from the registry). */
export function PredictionFilters({
  draft,
  versions,
  onDraft,
  onApply,
}: {
  draft: Filters;
  versions: string[];
  onDraft: (draft: Filters) => void;
  onApply: (filters: Filters) => void;
}) {
  function apply(e: FormEvent) {
    e.preventDefault();
    onApply({ ...draft, model_version: draft.model_version.trim() });
  }
  return (
    <form className="filters" onSubmit={apply} aria-label="Filter predictions">
      <label>
        Outcome
        <select
          value={draft.outcome}
          onChange={(e) => {
            const next = { ...draft, outcome: e.target.value };
            onDraft(next);
            onApply({ ...next, model_version: next.model_version.trim() });
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
          onChange={(e) => onDraft({ ...draft, model_version: e.target.value })}
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
  );
}

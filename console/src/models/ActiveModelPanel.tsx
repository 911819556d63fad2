import { Panel, fmtTime, type Loaded } from '../common';
import type { ActivePointer } from '../types';

/** The version serving predictions now, and who activated it why. */
export function ActiveModelPanel({ active }: { active: Loaded<ActivePointer> }) {
  return (
    <Panel title="Active model" loaded={active} testId="active-model">
      {(a) => (
        <dl className="facts inline">
          <dt>Version</dt>
          <dd data-testid="active-version">{a.version ?? 'none (heuristic_v1 answers)'}</dd>
          <dt>Since</dt>
          <dd>{fmtTime(a.activated_at)}</dd>
          <dt>By</dt>
          <dd>{a.activated_by ?? '—'}</dd>
          <dt>Reason</dt>
          <dd>{a.reason ?? '—'}</dd>
          {a.cause ? (
            <>
              <dt>Cause</dt>
              <dd>{a.cause}</dd>
            </>
          ) : null}
          {a.previous_version ? (
            <>
              <dt>Before</dt>
              <dd>
                <code>{a.previous_version}</code>
              </dd>
            </>
          ) : null}
        </dl>
      )}
    </Panel>
  );
}

import { Panel, fmtTime, type Loaded } from '../common';
import type { HistoryEntry } from '../types';
import { KIND, entryDetail } from './format';

/** The registry's decisions, newest first: evaluations, activations, rejections, rollbacks. */
export function HistoryPanel({ history }: { history: Loaded<HistoryEntry[]> }) {
  return (
    <Panel title="History" loaded={history} testId="history">
      {(list) =>
        list.length === 0 ? (
          <p className="muted">No evaluations, activations or rollbacks yet.</p>
        ) : (
          <ol className="timeline">
            {[...list].reverse().map((e) => (
              <li key={e.event_id} data-testid="history-entry" data-type={e.type} className={`kind-${e.type.toLowerCase()}`}>
                <time dateTime={e.at}>{fmtTime(e.at)}</time> <strong>{KIND[e.type] ?? e.type}</strong> <code>{e.version}</code>
                {e.by ? <span className="muted"> by {e.by}</span> : null}
                {entryDetail(e) ? <div className="detail">{entryDetail(e)}</div> : null}
              </li>
            ))}
          </ol>
        )
      }
    </Panel>
  );
}

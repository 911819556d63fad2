import { fmtNum, fmtTime } from '../common';
import type { HistoryEntry, Model } from '../types';
import { delongText, evaluationText } from './format';
import type { ModelAction } from './use-model-actions';

/** One row per version: status, scores, what its evaluation decided, and (for ML engineers) its action. */
export function VersionRows({
  list,
  activeVersion,
  hist,
  canManage,
  busy,
  onAsk,
}: {
  list: Model[];
  activeVersion: string | null;
  hist: HistoryEntry[];
  canManage: boolean;
  busy: boolean;
  onAsk: (action: ModelAction, version: string) => void;
}) {
  return (
    <tbody>
      {list.map((m) => (
        <VersionRow key={m.version} m={m} isActive={m.version === activeVersion} hist={hist} canManage={canManage} busy={busy} onAsk={onAsk} />
      ))}
    </tbody>
  );
}

type RowProps = { m: Model; isActive: boolean; hist: HistoryEntry[]; canManage: boolean; busy: boolean; onAsk: (action: ModelAction, version: string) => void };

function VersionRow({ m, isActive, hist, canManage, busy, onAsk }: RowProps) {
  return (
    <tr data-testid="model-row" data-version={m.version} className={isActive ? 'current' : undefined}>
      <td>
        <code>{m.version}</code>
        {isActive ? <span className="badge active"> active</span> : null}
      </td>
      <td>
        <span className={`badge ${m.status}`} data-testid="model-status">
          {m.status.replace('_', ' ')}
        </span>
        <div className="muted small">
          {m.kind === 'registered' ? 'ONNX, registered' : (m.trigger ?? 'trained')} · {fmtTime(m.created_at)}
        </div>
      </td>
      <td data-testid="test-roc-auc">{fmtNum(m.metrics?.test_roc_auc)}</td>
      <td>{fmtNum(m.metrics?.train_roc_auc)}</td>
      <td data-testid="samples">
        {m.metrics ? `${m.metrics.train_samples} / ${m.metrics.test_samples}` : '—'}
      </td>
      <td className="evaluation" data-testid="evaluation">
        {evaluationText(m, hist)}
        {delongText(m.last_evaluation?.delong) ? (
          <div className="muted small" data-testid="delong">
            {delongText(m.last_evaluation?.delong)}
          </div>
        ) : null}
      </td>
      {canManage ? <VersionAction version={m.version} isActive={isActive} busy={busy} onAsk={onAsk} /> : null}
    </tr>
  );
}

/** Deactivate the active version, or activate another. */
function VersionAction({ version, isActive, busy, onAsk }: { version: string; isActive: boolean; busy: boolean; onAsk: RowProps['onAsk'] }) {
  return (
    <td className="actions">
      {isActive ? (
        <button type="button" onClick={() => onAsk('deactivate', version)} disabled={busy} data-testid="deactivate">
          Deactivate
        </button>
      ) : (
        <button type="button" className="primary" onClick={() => onAsk('activate', version)} disabled={busy} data-testid="activate">
          Activate
        </button>
      )}
    </td>
  );
}

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
      {list.map((m) => {
        const isActive = m.version === activeVersion;
        return (
          <tr key={m.version} data-testid="model-row" data-version={m.version} className={isActive ? 'current' : undefined}>
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
            {canManage ? (
              <td className="actions">
                {isActive ? (
                  <button type="button" onClick={() => onAsk('deactivate', m.version)} disabled={busy} data-testid="deactivate">
                    Deactivate
                  </button>
                ) : (
                  <button type="button" className="primary" onClick={() => onAsk('activate', m.version)} disabled={busy} data-testid="activate">
                    Activate
                  </button>
                )}
              </td>
            ) : null}
          </tr>
        );
      })}
    </tbody>
  );
}

import { useEffect, useRef, useState } from 'react';
import type { Page } from '../api';
import { hasAnyRole } from '../auth';
import { Panel, errorText, fmtNum, fmtTime, useLoad, useSession } from '../common';

const MODEL_TYPE = 'conflict_predictor';

/** Scores of one predictor on the holdout (ModelEvaluated, stored snake_case). */
interface HoldoutMetrics {
  roc_auc: number | null;
  accuracy: number;
  f1: number;
  samples: number;
  positives: number;
}

interface Evaluation {
  evaluation_id: string;
  at: string;
  candidate: { version: string; metrics: HoldoutMetrics };
  baseline: { version: string; metrics: HoldoutMetrics; activeVersion: string | null; note: string | null };
  /** DeLong's paired test on the same holdout; null when the holdout cannot support it, absent on old evaluations. */
  delong?: DeLong | null;
}

interface DeLong {
  auc_difference: number;
  standard_error: number;
  ci95: [number, number];
  p_value: number;
}

/** The noise beside the gain: difference, its 95% interval and the one-sided p-value (candidate better). */
function delongText(d: DeLong | null | undefined): string | null {
  if (d === undefined) return null;
  if (d === null) return "DeLong's test: not computable on this holdout";
  const sign = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(4)}`;
  const p = d.p_value < 0.0001 ? '< 0.0001' : `= ${d.p_value.toFixed(4)}`;
  return `DeLong: ΔAUC ${sign(d.auc_difference)} (SE ${d.standard_error.toFixed(4)}, 95% CI ${sign(d.ci95[0])} to ${sign(d.ci95[1])}), one-sided p ${p}`;
}

interface Rejection {
  evaluation_id: string;
  at: string;
  failures: { rule: string; reason: string }[];
  reason: string;
  active_version: string | null;
}

/** Metrics of a version trained here (`null` for an ONNX model registered from outside). */
interface TrainedMetrics {
  train_roc_auc: number | null;
  test_roc_auc: number | null;
  test_accuracy: number;
  train_samples: number;
  test_samples: number;
  train_positives: number;
  test_positives: number;
}

/** One item of GET /ml/models. */
interface Model {
  version: string;
  kind: 'trained' | 'registered';
  status: 'candidate' | 'active' | 'inactive' | 'rejected' | 'rolled_back';
  created_at: string;
  metrics: TrainedMetrics | null;
  row_count: number | null;
  trigger: string | null;
  last_evaluation: Evaluation | null;
  last_rejection: Rejection | null;
}

/** GET /ml/models/active. */
interface ActivePointer {
  model_type: string;
  version: string | null;
  activated_at: string | null;
  activated_by: string | null;
  reason: string | null;
  cause: 'manual' | 'auto' | 'rollback' | null;
  previous_version: string | null;
}

/** One item of GET /ml/models/history: the envelope plus the event's own details. */
interface HistoryEntry {
  event_id: string;
  type:
    | 'ModelEvaluated'
    | 'ModelActivated'
    | 'ModelDeactivated'
    | 'ModelActivationRejected'
    | 'ModelRolledBack'
    | 'ModelActivationReviewed';
  version: string;
  at: string;
  by: string;
  reason: string | null;
  position: string;
  // ModelActivated
  cause?: string;
  previous_version?: string | null;
  // ModelDeactivated
  replaced_by?: string | null;
  // ModelActivationRejected
  failures?: { rule: string; reason: string }[];
  // ModelEvaluated
  candidate?: { version: string; metrics: HoldoutMetrics };
  baseline?: { version: string; metrics: HoldoutMetrics };
  // ModelRolledBack
  to_version?: string | null;
  // ModelActivationReviewed
  outcome?: string;
}

const KIND: Record<HistoryEntry['type'], string> = {
  ModelEvaluated: 'Evaluated',
  ModelActivated: 'Activated',
  ModelDeactivated: 'Deactivated',
  ModelActivationRejected: 'Rejected',
  ModelRolledBack: 'Rolled back',
  ModelActivationReviewed: 'Reviewed',
};

function entryDetail(e: HistoryEntry): string {
  const parts: string[] = [];
  switch (e.type) {
    case 'ModelEvaluated':
      if (e.candidate && e.baseline) {
        parts.push(`holdout ROC-AUC ${fmtNum(e.candidate.metrics.roc_auc)} vs ${e.baseline.version} ${fmtNum(e.baseline.metrics.roc_auc)}`);
      }
      break;
    case 'ModelActivated':
      if (e.cause) parts.push(e.cause);
      if (e.previous_version) parts.push(`replacing ${e.previous_version}`);
      break;
    case 'ModelDeactivated':
      if (e.replaced_by && !e.reason?.includes(e.replaced_by)) parts.push(`replaced by ${e.replaced_by}`);
      break;
    case 'ModelActivationRejected':
      for (const f of e.failures ?? []) parts.push(`${f.rule}: ${f.reason}`);
      break;
    case 'ModelRolledBack':
      parts.push(`back to ${e.to_version ?? 'heuristic_v1'}`);
      break;
    case 'ModelActivationReviewed':
      if (e.outcome) parts.push(e.outcome);
      break;
  }
  if (e.reason && !(e.type === 'ModelActivationRejected' && (e.failures?.length ?? 0) > 0)) parts.push(e.reason);
  return parts.join(' · ');
}

/** What the last evaluation of a version decided: rejected (with why), accepted (auto-activated) or only scored. */
function evaluationText(m: Model, history: HistoryEntry[]): string {
  const ev = m.last_evaluation;
  if (!ev) return m.kind === 'registered' ? 'registered from outside; not evaluated' : 'not evaluated (trained by hand)';
  const scores = `ROC-AUC ${fmtNum(ev.candidate.metrics.roc_auc)} vs ${ev.baseline.version} ${fmtNum(ev.baseline.metrics.roc_auc)}`;
  if (m.last_rejection && m.last_rejection.evaluation_id === ev.evaluation_id) return `rejected: ${m.last_rejection.reason} (${scores})`;
  const accepted = history.some((h) => h.type === 'ModelActivated' && h.version === m.version && h.cause === 'auto');
  return `${accepted ? 'accepted' : 'evaluated'} (${scores})`;
}

export function Models() {
  const { api, session } = useSession();
  const canManage = hasAnyRole(session, ['ml_engineer']);
  const models = useLoad(() => api.get<Page<Model>>('/api/v2/ml/models', { model_type: MODEL_TYPE, limit: 500 }).then((p) => p.items), [api]);
  const active = useLoad(() => api.get<ActivePointer>('/api/v2/ml/models/active', { model_type: MODEL_TYPE }), [api]);
  const history = useLoad(
    () => api.get<Page<HistoryEntry>>('/api/v2/ml/models/history', { model_type: MODEL_TYPE, limit: 500 }).then((p) => p.items),
    [api],
  );
  const [confirm, setConfirm] = useState<{ action: 'activate' | 'deactivate'; version: string } | null>(null);
  const [note, setNote] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  function reloadAll() {
    models.reload();
    active.reload();
    history.reload();
  }

  async function run(action: 'activate' | 'deactivate', version: string) {
    setBusy(true);
    setNote(null);
    try {
      await api.post(`/api/v2/ml/models/${encodeURIComponent(version)}/${action}`);
      setNote({ kind: 'ok', text: `${action === 'activate' ? 'Activated' : 'Deactivated'} ${version}.` });
    } catch (err) {
      setNote({ kind: 'error', text: `Could not ${action} ${version}: ${errorText(err)}` });
    } finally {
      setBusy(false);
      setConfirm(null);
      reloadAll();
    }
  }

  async function train() {
    setBusy(true);
    setNote(null);
    try {
      const m = await api.post<Model>('/api/v2/ml/models/train', { model_type: MODEL_TYPE });
      setNote({
        kind: 'ok',
        text: `Trained ${m.version}: test ROC-AUC ${fmtNum(m.metrics?.test_roc_auc)}. Training never activates; review it below.`,
      });
    } catch (err) {
      setNote({ kind: 'error', text: `Training failed: ${errorText(err)}` });
    } finally {
      setBusy(false);
      reloadAll();
    }
  }

  const activeVersion = active.data?.version ?? null;
  const hist = history.data ?? [];

  return (
    <div className="stack">
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

      <Panel
        title="Versions"
        loaded={models}
        testId="models"
        actions={
          canManage ? (
            <button type="button" onClick={() => void train()} disabled={busy} data-testid="train-now">
              {busy ? 'Working…' : 'Train now'}
            </button>
          ) : null
        }
      >
        {(list) => (
          <>
            {note ? (
              <p className={`notice ${note.kind}`} role="status" data-testid="models-note">
                {note.text}
              </p>
            ) : null}
            {list.length === 0 ? (
              <p className="muted" data-testid="models-empty">No versions yet. Train one, or register an ONNX model through the API.</p>
            ) : (
              <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Version</th>
                    <th scope="col">Status</th>
                    <th scope="col">Test ROC-AUC</th>
                    <th scope="col">Train ROC-AUC</th>
                    <th scope="col">Samples (train / test)</th>
                    <th scope="col">Evaluation</th>
                    {canManage ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
                  </tr>
                </thead>
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
                              <button type="button" onClick={() => setConfirm({ action: 'deactivate', version: m.version })} disabled={busy} data-testid="deactivate">
                                Deactivate
                              </button>
                            ) : (
                              <button type="button" className="primary" onClick={() => setConfirm({ action: 'activate', version: m.version })} disabled={busy} data-testid="activate">
                                Activate
                              </button>
                            )}
                          </td>
                        ) : null}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              </div>
            )}
          </>
        )}
      </Panel>

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

      {confirm ? (
        <ConfirmDialog
          title={`${confirm.action === 'activate' ? 'Activate' : 'Deactivate'} ${confirm.version}?`}
          body={
            confirm.action === 'activate'
              ? `Predictions will be served by ${confirm.version}${activeVersion ? ` instead of ${activeVersion}` : ''} from now on.`
              : `Predictions will fall back to the heuristic until another version is activated.`
          }
          confirmLabel={confirm.action === 'activate' ? 'Activate' : 'Deactivate'}
          busy={busy}
          onConfirm={() => void run(confirm.action, confirm.version)}
          onCancel={() => setConfirm(null)}
        />
      ) : null}
    </div>
  );
}

/** A native modal <dialog>: focus is trapped by the browser and Esc cancels. */
function ConfirmDialog({
  title,
  body,
  confirmLabel,
  busy,
  onConfirm,
  onCancel,
}: {
  title: string;
  body: string;
  confirmLabel: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="confirm"
      aria-labelledby="confirm-title"
      data-testid="confirm-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="confirm-title">{title}</h2>
      <p>{body}</p>
      <div className="buttons">
        <button type="button" onClick={onCancel} disabled={busy} data-testid="confirm-cancel" autoFocus>
          Cancel
        </button>
        <button type="button" className="primary" onClick={onConfirm} disabled={busy} data-testid="confirm-ok">
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

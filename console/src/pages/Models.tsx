import { useEffect, useRef, useState } from 'react';
import { itemsOf } from '../api';
import { hasAnyRole } from '../auth';
import { Panel, describe, errorText, fmtNum, fmtTime, useLoad, useSession } from '../common';

const MODEL_TYPE = 'conflict_predictor';

type Dict = Record<string, unknown>;

interface Model extends Dict {
  version: string;
  status?: string;
  metrics?: Dict;
}

interface ActivePointer {
  model_type: string;
  version: string | null;
  activated_at?: string | null;
  activated_by?: string | null;
  reason?: string | null;
}

interface HistoryEntry extends Dict {
  type?: string;
  version?: string;
}

/** First numeric value among the keys, looking in the model and in its metrics. */
function pick(m: Model, keys: string[]): number | undefined {
  for (const k of keys) {
    for (const src of [m.metrics ?? {}, m]) {
      const v = src[k];
      if (typeof v === 'number') return v;
    }
  }
  return undefined;
}

function entryKind(e: HistoryEntry): string {
  const t = e.type ?? e.kind ?? e.event ?? e.action;
  return typeof t === 'string' ? t : 'event';
}

function entryTime(e: HistoryEntry): unknown {
  return e.at ?? e.occurred_at ?? e.recorded_at ?? e.activated_at ?? e.timestamp;
}

function entryActor(e: HistoryEntry): string {
  const a = e.by ?? e.actor ?? e.actor_id ?? e.activated_by;
  return typeof a === 'string' ? a : '';
}

function entryDetail(e: HistoryEntry): string {
  const parts: string[] = [];
  if (e.reason) parts.push(describe(e.reason));
  if (e.from_version || e.to_version) parts.push(`${String(e.from_version ?? '—')} → ${String(e.to_version ?? '—')}`);
  if (e.previous_version) parts.push(`previous ${String(e.previous_version)}`);
  if (e.decision) parts.push(describe(e.decision));
  return parts.join(' · ');
}

/** The evaluation (acceptance or rejection) recorded for a version, newest first. */
function evaluationOf(history: HistoryEntry[], version: string): HistoryEntry | undefined {
  return [...history].reverse().find((e) => e.version === version && /evaluat|reject|accept/i.test(entryKind(e)));
}

export function Models() {
  const { api, session } = useSession();
  const canManage = hasAnyRole(session, ['ml_engineer']);
  const models = useLoad(() => api.get<unknown>('/api/v2/ml/models', { model_type: MODEL_TYPE, limit: 500 }).then(itemsOf<Model>), [api]);
  const active = useLoad(() => api.get<ActivePointer>('/api/v2/ml/models/active', { model_type: MODEL_TYPE }), [api]);
  const history = useLoad(
    () => api.get<unknown>('/api/v2/ml/models/history', { model_type: MODEL_TYPE, limit: 500 }).then(itemsOf<HistoryEntry>),
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
        text: `Trained ${m.version}: test ROC-AUC ${fmtNum(pick(m, ['test_roc_auc']))}. Training never activates; review it below.`,
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
                    const ev = evaluationOf(hist, m.version);
                    const nTrain = pick(m, ['train_samples', 'train_size', 'n_train', 'train_count']);
                    const nTest = pick(m, ['test_samples', 'test_size', 'n_test', 'test_count']);
                    const nAll = pick(m, ['sample_count', 'samples', 'n_samples', 'row_count']);
                    return (
                      <tr key={m.version} data-testid="model-row" data-version={m.version} className={isActive ? 'current' : undefined}>
                        <td>
                          <code>{m.version}</code>
                          {isActive ? <span className="badge active"> active</span> : null}
                        </td>
                        <td>
                          <span className={`badge ${String(m.status ?? '')}`}>{String(m.status ?? '—')}</span>
                        </td>
                        <td>{fmtNum(pick(m, ['test_roc_auc', 'roc_auc']))}</td>
                        <td>{fmtNum(pick(m, ['train_roc_auc']))}</td>
                        <td>
                          {nTrain !== undefined || nTest !== undefined
                            ? `${nTrain ?? '—'} / ${nTest ?? '—'}`
                            : nAll !== undefined
                              ? String(nAll)
                              : '—'}
                        </td>
                        <td>{ev ? `${entryKind(ev)}${entryDetail(ev) ? `: ${entryDetail(ev)}` : ''}` : '—'}</td>
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
              {[...list].reverse().map((e, i) => (
                <li key={i} data-testid="history-entry" className={`kind-${entryKind(e).toLowerCase()}`}>
                  <time>{fmtTime(entryTime(e))}</time> <strong>{entryKind(e)}</strong> {e.version ? <code>{e.version}</code> : null}
                  {entryActor(e) ? <span className="muted"> by {entryActor(e)}</span> : null}
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

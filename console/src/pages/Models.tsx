import type { Page } from '../api';
import { hasAnyRole } from '../auth';
import { Panel, useLoad, useSession } from '../common';
import { ActiveModelPanel } from '../models/ActiveModelPanel';
import { ConfirmDialog } from '../models/ConfirmDialog';
import { HistoryPanel } from '../models/HistoryPanel';
import { VersionRows } from '../models/VersionRows';
import { MODEL_TYPE, useModelActions } from '../models/use-model-actions';
import type { ActivePointer, HistoryEntry, Model } from '../types';

/** The model registry: the active version, every version with its scores, and the history of decisions. */
export function Models() {
  const { api, session } = useSession();
  const canManage = hasAnyRole(session, ['ml_engineer']);
  const models = useLoad(() => api.get<Page<Model>>('/api/v2/ml/models', { model_type: MODEL_TYPE, limit: 500 }).then((p) => p.items), [api]);
  const active = useLoad(() => api.get<ActivePointer>('/api/v2/ml/models/active', { model_type: MODEL_TYPE }), [api]);
  const history = useLoad(
    () => api.get<Page<HistoryEntry>>('/api/v2/ml/models/history', { model_type: MODEL_TYPE, limit: 500 }).then((p) => p.items),
    [api],
  );
  const { confirm, setConfirm, note, busy, run, train } = useModelActions(api, () => {
    models.reload();
    active.reload();
    history.reload();
  });

  const activeVersion = active.data?.version ?? null;
  const hist = history.data ?? [];

  return (
    <div className="stack">
      <ActiveModelPanel active={active} />

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
                  <VersionRows
                    list={list}
                    activeVersion={activeVersion}
                    hist={hist}
                    canManage={canManage}
                    busy={busy}
                    onAsk={(action, version) => setConfirm({ action, version })}
                  />
                </table>
              </div>
            )}
          </>
        )}
      </Panel>

      <HistoryPanel history={history} />

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

import type { Page } from '../api';
import { hasAnyRole } from '../auth';
import { useLoad, useSession } from '../common';
import { ActiveModelPanel } from '../models/ActiveModelPanel';
import { ConfirmDialog } from '../models/ConfirmDialog';
import { HistoryPanel } from '../models/HistoryPanel';
import { VersionsPanel } from '../models/VersionsPanel';
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

      <VersionsPanel
        models={models}
        activeVersion={activeVersion}
        hist={hist}
        canManage={canManage}
        busy={busy}
        note={note}
        onTrain={() => void train()}
        onAsk={(action, version) => setConfirm({ action, version })}
      />

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

import { Panel, type Loaded } from '../common';
import type { HistoryEntry, Model } from '../types';
import { VersionRows } from './VersionRows';
import type { ModelAction, Note } from './use-model-actions';

/** Every version of the model type with its scores; ML engineers train and (de)activate from here. */
export function VersionsPanel({
  models,
  activeVersion,
  hist,
  canManage,
  busy,
  note,
  onTrain,
  onAsk,
}: {
  models: Loaded<Model[]>;
  activeVersion: string | null;
  hist: HistoryEntry[];
  canManage: boolean;
  busy: boolean;
  note: Note;
  onTrain: () => void;
  onAsk: (action: ModelAction, version: string) => void;
}) {
  return (
    <Panel
      title="Versions"
      loaded={models}
      testId="models"
      actions={
        canManage ? (
          <button type="button" onClick={onTrain} disabled={busy} data-testid="train-now">
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
            <VersionsTable list={list} activeVersion={activeVersion} hist={hist} canManage={canManage} busy={busy} onAsk={onAsk} />
          )}
        </>
      )}
    </Panel>
  );
}

/** The versions' table: a header row, then VersionRows. */
function VersionsTable(props: Parameters<typeof VersionRows>[0]) {
  return (
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
            {props.canManage ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
          </tr>
        </thead>
        <VersionRows {...props} />
      </table>
    </div>
  );
}

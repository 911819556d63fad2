import { useEffect, useState } from 'react';
import type { ApiClient } from '../api';
import { Panel, errorText, type Loaded } from '../common';
import type { Projection } from '../types';
import { ProjectionRows } from './ProjectionRows';

/** Every projection's checkpoint, lag, status and parked events; ops may start a blue/green rebuild. */
export function ProjectionsPanel({ api, projections, canRebuild }: { api: ApiClient; projections: Loaded<Projection[]>; canRebuild: boolean }) {
  const [rebuildNote, setRebuildNote] = useState<string | null>(null);

  // Projection lag moves on its own; keep that table fresh while the page is open.
  const reloadProjections = projections.reload;
  useEffect(() => {
    const t = setInterval(() => document.visibilityState === 'visible' && reloadProjections(), 10_000);
    return () => clearInterval(t);
  }, [reloadProjections]);

  async function rebuild(name: string) {
    setRebuildNote(null);
    try {
      await api.post(`/api/v2/ops/projections/${encodeURIComponent(name)}/rebuild`);
      setRebuildNote(`Rebuild of ${name} started; the old version keeps answering until the new one has caught up.`);
      setTimeout(reloadProjections, 1000);
    } catch (err) {
      setRebuildNote(`Rebuild of ${name} failed: ${errorText(err)}`);
    }
  }

  return (
    <Panel
      title="Projections"
      loaded={projections}
      testId="projections"
      actions={
        <button type="button" onClick={reloadProjections}>
          Refresh
        </button>
      }
    >
      {(list) => (
        <>
          {rebuildNote ? (
            <p className="notice" role="status" data-testid="rebuild-note">
              {rebuildNote}
            </p>
          ) : null}
          {list.length === 0 ? <p className="muted">No projections registered.</p> : null}
          <div className="table-wrap"><table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Version</th>
                <th scope="col">Checkpoint</th>
                <th scope="col">Lag</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <ProjectionRows list={list} canRebuild={canRebuild} onRebuild={(name) => void rebuild(name)} />
          </table></div>
        </>
      )}
    </Panel>
  );
}

import { useEffect, useState } from 'react';
import type { ApiClient } from '../api';
import { Panel, errorText, fmtTime, type Loaded } from '../common';
import type { Projection } from '../types';

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
            <tbody>
              {list.map((p) => (
                <tr key={p.name} data-testid="projection-row" data-name={p.name}>
                  <td>
                    <code>{p.name}</code>
                  </td>
                  <td>{p.version}</td>
                  <td>{p.checkpoint}</td>
                  <td className={p.lag > 0 ? 'warn' : undefined}>{p.lag}</td>
                  <td>
                    <span className={`badge ${p.status}`}>{p.status}</span>
                    {p.building ? (
                      <div className="muted small">
                        building v{p.building.version} (generation {p.building.generation}) at {p.building.checkpoint}
                      </div>
                    ) : null}
                    {p.parked?.length ? (
                      <ul className="alerts" aria-label={`Events parked by ${p.name}`} data-testid="parked">
                        {p.parked.map((e) => (
                          <li key={e.position}>
                            parked at <code>{e.position}</code> ({e.event_type}, {e.attempts} attempts, since {fmtTime(e.parked_at)}): {e.error}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                  <td>
                    {canRebuild ? (
                      <button type="button" onClick={() => void rebuild(p.name)} aria-label={`Rebuild ${p.name}`} disabled={!!p.building}>
                        Rebuild
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table></div>
        </>
      )}
    </Panel>
  );
}

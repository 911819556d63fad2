import { fmtTime } from '../common';
import type { Projection } from '../types';

/** One row per projection: version, checkpoint, lag, status with any rebuild and parked events. */
export function ProjectionRows({ list, canRebuild, onRebuild }: { list: Projection[]; canRebuild: boolean; onRebuild: (name: string) => void }) {
  return (
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
              <button type="button" onClick={() => onRebuild(p.name)} aria-label={`Rebuild ${p.name}`} disabled={!!p.building}>
                Rebuild
              </button>
            ) : null}
          </td>
        </tr>
      ))}
    </tbody>
  );
}

import { EventStore } from '../ports/event-store.port';
import { ReadStore } from '../ports/read-store.port';
import { RUNNER_LEASE } from './leader-election';
import { ParkedEvent, ParkingLot } from './parking-lot';
import { Projection } from './projection';
import { ProjectionCatalog, ProjectionState, checkpointName, physicalName } from './projection-catalog';
import { Generations } from './projection-generations';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly checkpoint: number;
  readonly lag: number;
  readonly status: 'catching_up' | 'live' | 'rebuilding' | 'stopped' | 'stalled';
  readonly collections: readonly string[];
  readonly building: { readonly version: number; readonly generation: number; readonly checkpoint: number } | null;
  readonly lastRebuild: ProjectionState['lastRebuild'];
  readonly parked: readonly ParkedEvent[];
}

/** What a runner knows to tell each projection's status. */
export interface StatusSources {
  readonly events: EventStore;
  readonly store: ReadStore;
  readonly catalog: ProjectionCatalog;
  readonly parking: ParkingLot;
  readonly projections: Iterable<Projection>;
  readonly generations: Generations;
  /** This runner leads (its tracks' checkpoints are the live ones). */
  readonly running: boolean;
}

/** Each projection's checkpoint, lag, state and parked events, from this runner or the shared store. */
export async function projectionStatuses(s: StatusSources): Promise<ProjectionStatus[]> {
  const head = await s.events.headPosition();
  // Seen from a process that does not run them (the CLI, a standby): live if another process does.
  const runElsewhere = !s.running && (await s.store.leaseHolder(RUNNER_LEASE)) !== null;
  const parked = await s.parking.list();
  const out: ProjectionStatus[] = [];
  for (const projection of s.projections) {
    const state = await s.catalog.state(projection.name);
    const g = state?.active ?? { version: projection.version, generation: 1 };
    const track = s.generations.active.get(projection.name);
    const checkpoint = track?.checkpoint ?? (await s.store.getCheckpoint(checkpointName(projection.name, g))) ?? 0;
    const b = state?.building ?? null;
    const bTrack = s.generations.building.get(projection.name);
    const bCheckpoint = b ? (bTrack?.checkpoint ?? (await s.store.getCheckpoint(checkpointName(projection.name, b))) ?? 0) : 0;
    const mine = parked.filter((p) => p.handler === `projection:${projection.name}`);
    const status: ProjectionStatus['status'] =
      mine.length > 0 ? 'stalled' : b ? 'rebuilding' : !s.running && !track && !runElsewhere ? 'stopped' : checkpoint >= head ? 'live' : 'catching_up';
    out.push({
      name: projection.name,
      version: g.version,
      checkpoint,
      lag: Math.max(0, head - checkpoint),
      status,
      collections: projection.collections.map((c) => physicalName(c, g)),
      building: b ? { version: b.version, generation: b.generation, checkpoint: bCheckpoint } : null,
      lastRebuild: state?.lastRebuild ?? null,
      parked: mine,
    });
  }
  return out;
}

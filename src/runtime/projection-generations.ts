import { Clock } from '../domain/shared/clock';
import { EventStore } from '../ports/event-store.port';
import { ReadStore } from '../ports/read-store.port';
import { Projection } from './projection';
import { BatchWriter } from './projection-batches';
import { Generation, ProjectionCatalog, ProjectionState, physicalName } from './projection-catalog';
import { Track } from './projection-track';
import { SupervisorLogger } from './supervisor';

/**
 * The tracks a leading runner consumes, per projection: the serving (active) generation and, during
 * a blue/green rebuild, the one built beside it. A finished rebuild switches the catalog to the new
 * generation and drops the old collections.
 */
export class Generations {
  readonly active = new Map<string, Track>();
  readonly building = new Map<string, Track>();

  constructor(
    private readonly events: EventStore,
    private readonly store: ReadStore,
    private readonly catalog: ProjectionCatalog,
    private readonly writer: BatchWriter,
    private readonly clock: Clock,
    private readonly logger?: SupervisorLogger,
  ) {}

  /** Every track, serving and building. */
  all(): Track[] {
    return [...this.active.values(), ...this.building.values()];
  }

  clear(): void {
    this.active.clear();
    this.building.clear();
  }

  /** Start a projection's tracks from the catalog (the first generation when nothing serves yet). */
  async prepare(projection: Projection): Promise<void> {
    let state = await this.catalog.state(projection.name);
    if (!state?.active) {
      // Nothing serves yet: the first generation serves while it catches up.
      state = { name: projection.name, active: { version: projection.version, generation: 1 }, building: null, rebuildRequestedAt: null, lastRebuild: null };
      await this.catalog.save(state);
    }
    await this.startTrack(projection, state.active as Generation, 'active');
    if (state.building) {
      await this.startTrack(projection, state.building, 'building');
    } else if ((state.active as Generation).version !== projection.version || state.rebuildRequestedAt) {
      await this.beginRebuild(projection, state);
    }
  }

  /** Start a requested rebuild, and switch to a rebuilt generation once it has reached the head. */
  async superviseOne(projection: Projection): Promise<void> {
    const state = await this.catalog.state(projection.name);
    if (!state) return;
    const building = this.building.get(projection.name);
    if (!building && state.rebuildRequestedAt) await this.beginRebuild(projection, state);
    const head = await this.events.headPosition();
    if (building && building.checkpoint >= head && !building.parked) await this.switchOver(projection, state, building);
  }

  private async beginRebuild(projection: Projection, state: ProjectionState): Promise<void> {
    const generation = Math.max(state.active?.generation ?? 0, state.building?.generation ?? 0) + 1;
    const building = { version: projection.version, generation, startedAt: this.clock.now().toISOString() };
    for (const c of projection.collections) await this.store.dropCollection(physicalName(c, building));
    await this.catalog.save({ ...state, building, rebuildRequestedAt: null });
    this.logger?.log('projection rebuild started', { projection: projection.name, version: building.version, generation });
    await this.startTrack(projection, building, 'building');
  }

  private async startTrack(projection: Projection, generation: Generation, role: 'active' | 'building'): Promise<Track> {
    const track = new Track(projection, generation);
    for (const [logical, physical] of track.physical) {
      for (const fields of projection.indexes?.[logical] ?? []) await this.store.ensureIndex(physical, fields);
    }
    track.checkpoint = (await this.store.getCheckpoint(track.checkpointKey)) ?? 0;
    track.storedCheckpoint = track.checkpoint;
    (role === 'active' ? this.active : this.building).set(projection.name, track);
    track.loop = this.writer.consume(track);
    return track;
  }

  private async switchOver(projection: Projection, state: ProjectionState, building: Track): Promise<void> {
    const old = this.active.get(projection.name);
    const now = this.clock.now();
    const startedAt = state.building ? Date.parse(state.building.startedAt) : now.getTime();
    await this.catalog.save({
      ...state,
      active: building.generation,
      building: null,
      lastRebuild: { at: now.toISOString(), events: building.eventsApplied, seconds: (now.getTime() - startedAt) / 1000 },
    });
    this.active.set(projection.name, building);
    this.building.delete(projection.name);
    if (old) {
      old.abort.abort();
      await old.loop;
      for (const physical of old.physical.values()) await this.store.dropCollection(physical);
    }
    this.logger?.log('projection switched to rebuilt generation', { projection: projection.name, ...building.generation });
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { RecordedEvent } from '../../domain/shared/events';
import { EventStore } from '../../infrastructure/event-store/event-store.port';
import { ReadStore } from '../../infrastructure/read-store/read-store.port';
import { batches } from './batched-subscription';
import { Projection } from './projection';
import { Generation, ProjectionCatalog, ProjectionState, checkpointName, physicalName } from './projection-catalog';
import { UnitOfWork } from './unit-of-work';

export const RUNNER_LEASE = 'projection-runner';
const IDLE_CHECKPOINT_EVERY = 1000;

export interface RunnerLogger {
  log(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly checkpoint: number;
  readonly lag: number;
  readonly status: 'catching_up' | 'live' | 'rebuilding' | 'stopped' | 'failed';
  readonly collections: readonly string[];
  readonly building: { readonly version: number; readonly generation: number; readonly checkpoint: number } | null;
  readonly lastRebuild: ProjectionState['lastRebuild'];
}

/** One generation of one projection, consuming $all from its own checkpoint. */
class Track {
  checkpoint = 0;
  storedCheckpoint = 0;
  failed: string | null = null;
  readonly abort = new AbortController();
  readonly physical: Map<string, string>;
  readonly types: Set<string>;
  loop: Promise<void> | null = null;
  eventsApplied = 0;

  constructor(
    readonly projection: Projection,
    readonly generation: Generation,
  ) {
    this.physical = new Map(projection.collections.map((c) => [c, physicalName(c, generation)]));
    this.types = new Set(projection.eventTypes);
  }

  get checkpointKey(): string {
    return checkpointName(this.projection.name, this.generation);
  }
}

export interface RunnerOptions {
  readonly owner: string;
  readonly batchSize?: number;
  readonly leaseTtlMs?: number;
  readonly logger?: RunnerLogger;
  readonly now?: () => Date;
}

/**
 * Runs projections: catch-up from checkpoints, batched writes with the checkpoint in the same
 * batch, lag, and blue/green rebuilds (a new generation is built beside the live one, then the
 * catalog switches queries to it and the old collections are dropped).
 */
export class ProjectionRunner {
  private readonly projections = new Map<string, Projection>();
  private readonly active = new Map<string, Track>();
  private readonly building = new Map<string, Track>();
  private head = 0;
  private running = false;
  private background: Promise<void> | null = null;
  private stopSignal = new AbortController();
  readonly catalog: ProjectionCatalog;

  constructor(
    private readonly events: EventStore,
    private readonly store: ReadStore,
    private readonly options: RunnerOptions,
  ) {
    this.catalog = new ProjectionCatalog(store);
  }

  register(projection: Projection): void {
    if (this.projections.has(projection.name)) throw new Error(`projection ${projection.name} registered twice`);
    this.projections.set(projection.name, projection);
    this.catalog.register(projection);
  }

  list(): Projection[] {
    return [...this.projections.values()];
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Take the runner lease, catch every live projection up to the head, then keep them live. */
  async start(): Promise<void> {
    const ttl = this.options.leaseTtlMs ?? 10_000;
    while (!(await this.store.acquireLease(RUNNER_LEASE, this.options.owner, ttl))) {
      this.options.logger?.log('projection runner lease held by another process; waiting');
      await sleep(Math.min(1000, ttl / 4));
    }
    this.running = true;
    this.stopSignal = new AbortController();
    this.head = await this.events.headPosition();
    for (const projection of this.projections.values()) await this.prepare(projection);
    const target = this.head;
    await Promise.all([...this.active.values()].map((t) => this.waitUntil(t, target)));
    this.background = this.supervise(ttl);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopSignal.abort();
    const tracks = [...this.active.values(), ...this.building.values()];
    for (const t of tracks) t.abort.abort();
    await Promise.allSettled(tracks.map((t) => t.loop));
    await Promise.allSettled(tracks.map((t) => this.flushCheckpoint(t)));
    await this.background?.catch(() => undefined);
    // A later start() prepares fresh tracks from the stored checkpoints.
    this.active.clear();
    this.building.clear();
    await this.store.releaseLease(RUNNER_LEASE, this.options.owner);
  }

  private async prepare(projection: Projection): Promise<void> {
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

  private async beginRebuild(projection: Projection, state: ProjectionState): Promise<void> {
    const generation = Math.max(state.active?.generation ?? 0, state.building?.generation ?? 0) + 1;
    const building = { version: projection.version, generation, startedAt: this.now().toISOString() };
    for (const c of projection.collections) await this.store.dropCollection(physicalName(c, building));
    await this.catalog.save({ ...state, building, rebuildRequestedAt: null });
    this.options.logger?.log('projection rebuild started', { projection: projection.name, version: building.version, generation });
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
    track.loop = this.consume(track).catch((error: unknown) => {
      track.failed = error instanceof Error ? error.message : String(error);
      this.options.logger?.error('projection failed', { projection: projection.name, error: track.failed });
    });
    return track;
  }

  private async consume(track: Track): Promise<void> {
    const batchSize = this.options.batchSize ?? 1000;
    // Catch up with plain batch reads (no per-event scheduling), then follow the live subscription.
    for (;;) {
      if (track.abort.signal.aborted) return;
      const batch = await this.events.readAll({ after: track.checkpoint, limit: batchSize });
      if (batch.length > 0) await this.applyBatch(track, batch);
      if (batch.length < batchSize) break;
    }
    const source = this.events.subscribeAll({ after: track.checkpoint, signal: track.abort.signal, batchSize });
    for await (const batch of batches(source, batchSize, track.abort.signal)) {
      await this.applyBatch(track, batch);
    }
  }

  private async applyBatch(track: Track, batch: readonly RecordedEvent[]): Promise<void> {
    const uow = new UnitOfWork(this.store, track.physical);
    let applied = 0;
    for (const event of batch) {
      if (event.position <= track.checkpoint || !track.types.has(event.type)) continue;
      const pending = track.projection.apply(event, uow.viewFor(event));
      if (pending) await pending;
      applied += 1;
    }
    const last = batch[batch.length - 1].position;
    const ops = uow.ops();
    // A batch that changed no document only moves the checkpoint: store that now and then, not per
    // batch (replaying such events after a crash changes nothing). Queries use the in-memory one.
    if (ops.length > 0 || last - track.storedCheckpoint >= IDLE_CHECKPOINT_EVERY) {
      await this.store.batch(ops, { name: track.checkpointKey, position: last });
      track.storedCheckpoint = last;
    }
    track.checkpoint = last;
    track.eventsApplied += applied;
    if (last > this.head) this.head = last;
  }

  /** Store checkpoints that only moved in memory (on stop and from the supervisor). */
  private async flushCheckpoint(track: Track): Promise<void> {
    if (track.checkpoint > track.storedCheckpoint) {
      await this.store.batch([], { name: track.checkpointKey, position: track.checkpoint });
      track.storedCheckpoint = track.checkpoint;
    }
  }

  private async waitUntil(track: Track, position: number): Promise<void> {
    while (track.checkpoint < position && !track.failed && !track.abort.signal.aborted) {
      if (track.loop && (await Promise.race([track.loop.then(() => true), sleep(20, false)]))) break;
    }
  }

  /** Renews the lease, tracks the head, notices rebuild requests and switches finished rebuilds. */
  private async supervise(ttl: number): Promise<void> {
    while (this.running) {
      try {
        await sleep(Math.min(500, ttl / 4), undefined, { signal: this.stopSignal.signal });
      } catch {
        return;
      }
      try {
        await this.store.acquireLease(RUNNER_LEASE, this.options.owner, ttl);
        this.head = Math.max(this.head, await this.events.headPosition());
        for (const projection of this.projections.values()) await this.superviseOne(projection);
        for (const track of this.active.values()) await this.flushCheckpoint(track);
      } catch (error) {
        this.options.logger?.error('projection supervisor error', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  private async superviseOne(projection: Projection): Promise<void> {
    const state = await this.catalog.state(projection.name);
    if (!state) return;
    const building = this.building.get(projection.name);
    if (!building && state.rebuildRequestedAt) await this.beginRebuild(projection, state);
    if (building && building.checkpoint >= this.head && !building.failed) await this.switchOver(projection, state, building);
  }

  private async switchOver(projection: Projection, state: ProjectionState, building: Track): Promise<void> {
    const old = this.active.get(projection.name);
    const startedAt = state.building ? Date.parse(state.building.startedAt) : this.now().getTime();
    await this.catalog.save({
      ...state,
      active: building.generation,
      building: null,
      lastRebuild: { at: this.now().toISOString(), events: building.eventsApplied, seconds: (this.now().getTime() - startedAt) / 1000 },
    });
    this.active.set(projection.name, building);
    this.building.delete(projection.name);
    if (old) {
      old.abort.abort();
      await old.loop;
      for (const physical of old.physical.values()) await this.store.dropCollection(physical);
    }
    this.options.logger?.log('projection switched to rebuilt generation', { projection: projection.name, ...building.generation });
  }

  /** Ask for a blue/green rebuild; the runner holding the lease (this one or a server) performs it. */
  async requestRebuild(name: string): Promise<void> {
    const projection = this.projections.get(name);
    if (!projection) throw new Error(`unknown projection ${name}`);
    const state = (await this.catalog.state(name)) ?? { name, active: null, building: null, rebuildRequestedAt: null, lastRebuild: null };
    await this.catalog.save({ ...state, rebuildRequestedAt: this.now().toISOString() });
    if (this.running && !this.building.has(name)) await this.superviseOne(projection);
  }

  /** Wait until every live projection has applied `position` (read your writes). */
  async waitForPosition(position: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await this.allAt(position)) return true;
      if (Date.now() >= deadline) return false;
      await sleep(10);
    }
  }

  private async allAt(position: number): Promise<boolean> {
    // A position the log has not reached yet cannot have been applied.
    if (position > this.head) this.head = Math.max(this.head, await this.events.headPosition());
    if (position > this.head) return false;
    if (this.running) return [...this.active.values()].every((t) => t.checkpoint >= position);
    for (const projection of this.projections.values()) {
      const state = await this.catalog.state(projection.name);
      const g = state?.active ?? { version: projection.version, generation: 1 };
      if (((await this.store.getCheckpoint(checkpointName(projection.name, g))) ?? 0) < position) return false;
    }
    return true;
  }

  async status(): Promise<ProjectionStatus[]> {
    const head = await this.events.headPosition();
    // Seen from a process that does not run them (the CLI): live if another process does.
    const runElsewhere = !this.running && (await this.store.leaseHolder(RUNNER_LEASE)) !== null;
    const out: ProjectionStatus[] = [];
    for (const projection of this.projections.values()) {
      const state = await this.catalog.state(projection.name);
      const g = state?.active ?? { version: projection.version, generation: 1 };
      const track = this.active.get(projection.name);
      const checkpoint = track?.checkpoint ?? (await this.store.getCheckpoint(checkpointName(projection.name, g))) ?? 0;
      const b = state?.building ?? null;
      const bTrack = this.building.get(projection.name);
      const bCheckpoint = b ? (bTrack?.checkpoint ?? (await this.store.getCheckpoint(checkpointName(projection.name, b))) ?? 0) : 0;
      const status: ProjectionStatus['status'] = track?.failed
        ? 'failed'
        : b
          ? 'rebuilding'
          : !this.running && !track && !runElsewhere
            ? 'stopped'
            : checkpoint >= head
              ? 'live'
              : 'catching_up';
      out.push({
        name: projection.name,
        version: g.version,
        checkpoint,
        lag: Math.max(0, head - checkpoint),
        status,
        collections: projection.collections.map((c) => physicalName(c, g)),
        building: b ? { version: b.version, generation: b.generation, checkpoint: bCheckpoint } : null,
        lastRebuild: state?.lastRebuild ?? null,
      });
    }
    return out;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}


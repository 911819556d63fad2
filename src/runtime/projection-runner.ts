import { setTimeout as sleep } from 'node:timers/promises';
import { Clock, SystemClock } from '../domain/shared/clock';
import { RecordedEvent } from '../domain/shared/events';
import { EventStore } from '../ports/event-store.port';
import { ReadStore } from '../ports/read-store.port';
import { Projection } from './projection';
import { RUNNER_LEASE } from './leader-election';
import { ParkedEvent, ParkingLot } from './parking-lot';
import { Generation, ProjectionCatalog, ProjectionState, checkpointName, physicalName } from './projection-catalog';
import { Track } from './projection-track';
import { SharedLog } from './shared-log';
import { DEFAULT_SUPERVISION, SupervisionPolicy, SupervisorLogger, backoffMs, errorMessage, superviseEvent } from './supervisor';
import { UnitOfWork } from './unit-of-work';

export { RUNNER_LEASE };
export type RunnerLogger = SupervisorLogger;
const IDLE_CHECKPOINT_EVERY = 1000;

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

export interface RunnerOptions {
  readonly owner: string;
  readonly batchSize?: number;
  readonly leaseTtlMs?: number;
  readonly logger?: RunnerLogger;
  readonly clock?: Clock;
  readonly supervision?: SupervisionPolicy;
  /** The process's one subscription; a runner of its own makes one. */
  readonly log?: SharedLog;
}

/**
 * Runs projections: catch-up from checkpoints, batched writes with the checkpoint in the same
 * transaction (fenced by the runner lease), supervised handlers that park a poison event instead
 * of failing, lag, and blue/green rebuilds (a new generation is built beside the live one, then
 * the catalog switches queries to it and the old collections are dropped).
 */
export class ProjectionRunner {
  private readonly projections = new Map<string, Projection>();
  private readonly active = new Map<string, Track>();
  private readonly building = new Map<string, Track>();
  private running = false;
  /** Set when start() took the lease itself (the CLI); a server's LeaderElection renews it. */
  private ownsLease = false;
  /** Every projection's tracks exist: the supervisor may start and switch rebuilds. */
  private prepared = false;
  private background: Promise<void> | null = null;
  private stopSignal = new AbortController();
  readonly catalog: ProjectionCatalog;
  readonly parking: ParkingLot;
  readonly log: SharedLog;
  private readonly ownsLog: boolean;
  private readonly clock: Clock;

  constructor(
    private readonly events: EventStore,
    private readonly store: ReadStore,
    private readonly options: RunnerOptions,
  ) {
    this.clock = options.clock ?? new SystemClock();
    this.catalog = new ProjectionCatalog(store);
    this.parking = new ParkingLot(store, this.clock);
    this.ownsLog = !options.log;
    this.log = options.log ?? new SharedLog(events, options.logger);
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

  private lost: string | null = null;

  private get ttl(): number {
    return this.options.leaseTtlMs ?? 10_000;
  }

  private get fence() {
    return { lease: RUNNER_LEASE, owner: this.options.owner };
  }

  /** Take the runner lease (waiting for it), then lead: the CLI's way to run projections. */
  async start(): Promise<void> {
    while (!(await this.store.acquireLease(RUNNER_LEASE, this.options.owner, this.ttl))) {
      this.options.logger?.log('projection runner lease held by another process; waiting');
      await sleep(Math.min(1000, this.ttl / 4));
    }
    this.ownsLease = true;
    this.lost = null;
    await this.lead();
  }

  /** Run every projection, caught up to the head before this resolves. The caller holds the lease. */
  async lead(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopSignal = new AbortController();
    await this.log.start();
    // Supervised (and a lease start() took renewed) during the catch-up too: a catch-up longer than
    // the lease would otherwise lose the lease and be fenced out of its own checkpoint writes.
    this.prepared = false;
    this.background = this.supervise();
    for (const projection of this.projections.values()) await this.prepare(projection);
    this.prepared = true;
    const target = await this.events.headPosition();
    await Promise.all([...this.active.values()].map((t) => this.waitUntil(t, target)));
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
    if (this.ownsLog) await this.log.stop();
    if (this.ownsLease) await this.store.releaseLease(RUNNER_LEASE, this.options.owner).catch(() => undefined);
    this.ownsLease = false;
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
    const building = { version: projection.version, generation, startedAt: this.clock.now().toISOString() };
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
    track.loop = this.consume(track);
    return track;
  }

  /** Never rejects: a failing read or write is retried from the checkpoint with backoff. */
  private async consume(track: Track): Promise<void> {
    const batchSize = this.options.batchSize ?? 1000;
    const signal = track.abort.signal;
    for (let failures = 0; !signal.aborted; ) {
      try {
        const { events, through } = await this.log.readFor(track.checkpoint, batchSize, track.typeList);
        if (events.length > 0) await this.applyBatch(track, events);
        if (signal.aborted) return;
        // Behind the shared window only this projection's types were read: it is done up to `through`.
        if (through > track.checkpoint) track.checkpoint = through;
        else if (events.length === 0) await this.log.waitBeyond(track.checkpoint, signal);
        failures = 0;
      } catch (error) {
        failures += 1;
        this.options.logger?.error('projection loop error; resuming from checkpoint', { projection: track.projection.name, checkpoint: track.checkpoint, error: errorMessage(error) });
        await sleep(backoffMs(this.policy, failures), undefined, { signal }).catch(() => undefined);
      }
    }
  }

  private get policy(): SupervisionPolicy {
    return this.options.supervision ?? DEFAULT_SUPERVISION;
  }

  /** Applies a batch; a handler that throws is isolated to its event, which is supervised alone. */
  private async applyBatch(track: Track, batch: readonly RecordedEvent[]): Promise<void> {
    let rest = batch;
    while (rest.length > 0 && !track.abort.signal.aborted) {
      const failedAt = await this.commit(track, rest);
      if (failedAt === null) return;
      if (failedAt > 0) await this.commit(track, rest.slice(0, failedAt));
      const event = rest[failedAt];
      const outcome = await superviseEvent(
        `projection:${track.projection.name}`,
        event,
        async () => {
          if ((await this.commit(track, [event], true)) !== null) throw new Error('unreachable');
        },
        { policy: this.policy, parking: this.parking, signal: track.abort.signal, logger: this.options.logger, onParked: (p) => (track.parked = p) },
      );
      if (outcome === 'aborted') return;
      if (outcome === 'skipped') {
        await this.store.batch([], { name: track.checkpointKey, position: event.position, fence: this.fence });
        track.storedCheckpoint = event.position;
        track.checkpoint = event.position;
      }
      rest = rest.slice(failedAt + 1);
    }
  }

  /**
   * Applies events and writes them with the checkpoint. Returns the index of the event whose
   * handler threw (nothing written), or null; with `rethrow` the handler's error propagates.
   */
  private async commit(track: Track, events: readonly RecordedEvent[], rethrow = false): Promise<number | null> {
    const uow = new UnitOfWork(this.store, track.physical);
    let applied = 0;
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      if (event.position <= track.checkpoint || !track.types.has(event.type)) continue;
      try {
        const pending = track.projection.apply(event, uow.viewFor(event));
        if (pending) await pending;
      } catch (error) {
        if (rethrow) throw error;
        return i;
      }
      applied += 1;
    }
    const last = events[events.length - 1].position;
    const ops = uow.ops();
    // A batch that changed no document only moves the checkpoint: store that now and then, not per
    // batch (replaying such events after a crash changes nothing). Queries use the in-memory one.
    if (ops.length > 0 || last - track.storedCheckpoint >= IDLE_CHECKPOINT_EVERY) {
      await this.store.batch(ops, { name: track.checkpointKey, position: last, fence: this.fence });
      track.storedCheckpoint = last;
    }
    track.checkpoint = Math.max(track.checkpoint, last);
    track.eventsApplied += applied;
    return null;
  }

  /** Store checkpoints that only moved in memory (on stop and from the supervisor). */
  private async flushCheckpoint(track: Track): Promise<void> {
    if (track.checkpoint > track.storedCheckpoint) {
      await this.store.batch([], { name: track.checkpointKey, position: track.checkpoint, fence: this.fence });
      track.storedCheckpoint = track.checkpoint;
    }
  }

  private async waitUntil(track: Track, position: number): Promise<void> {
    // A parked track does not hold up the others, nor the start.
    while (track.checkpoint < position && !track.parked && !track.abort.signal.aborted) await sleep(20);
  }

  /**
   * Another owner holds the lease this runner took: its writes are fenced out from now on, so it
   * stops its tracks (a catch-up waiting on them returns) and says so, instead of retrying forever.
   */
  private async loseLease(): Promise<void> {
    const holder = (await this.store.leaseHolder(RUNNER_LEASE).catch(() => null))?.owner ?? 'nobody (expired)';
    this.lost = `runner lease lost by ${this.options.owner}; now held by ${holder}`;
    this.ownsLease = false;
    this.options.logger?.error(this.lost, { owner: this.options.owner, holder });
    for (const t of [...this.active.values(), ...this.building.values()]) t.abort.abort();
  }

  /** Why this runner stopped leading, once the lease start() took was lost; null while it holds it. */
  get leaseLost(): string | null {
    return this.lost;
  }

  /** Renews a lease start() took, notices rebuild requests and switches finished rebuilds. */
  private async supervise(): Promise<void> {
    while (this.running) {
      try {
        await sleep(Math.min(500, this.ttl / 4), undefined, { signal: this.stopSignal.signal });
      } catch {
        return;
      }
      try {
        if (this.ownsLease && !(await this.store.acquireLease(RUNNER_LEASE, this.options.owner, this.ttl))) return await this.loseLease();
        if (!this.prepared) continue;
        for (const projection of this.projections.values()) await this.superviseOne(projection);
        for (const track of this.active.values()) await this.flushCheckpoint(track);
      } catch (error) {
        this.options.logger?.error('projection supervisor error', { error: errorMessage(error) });
      }
    }
  }

  private async superviseOne(projection: Projection): Promise<void> {
    const state = await this.catalog.state(projection.name);
    if (!state) return;
    const building = this.building.get(projection.name);
    if (!building && state.rebuildRequestedAt) await this.beginRebuild(projection, state);
    const head = await this.events.headPosition();
    if (building && building.checkpoint >= head && !building.parked) await this.switchOver(projection, state, building);
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
    this.options.logger?.log('projection switched to rebuilt generation', { projection: projection.name, ...building.generation });
  }

  /** Ask for a blue/green rebuild; the runner holding the lease (this one or a server) performs it. */
  async requestRebuild(name: string): Promise<void> {
    const projection = this.projections.get(name);
    if (!projection) throw new Error(`unknown projection ${name}`);
    const state = (await this.catalog.state(name)) ?? { name, active: null, building: null, rebuildRequestedAt: null, lastRebuild: null };
    await this.catalog.save({ ...state, rebuildRequestedAt: this.clock.now().toISOString() });
    if (this.running && !this.building.has(name)) await this.superviseOne(projection);
  }

  /** How far in the log the serving generation of a projection has read. */
  async checkpointOf(name: string): Promise<number> {
    const track = this.active.get(name);
    if (track) return track.checkpoint;
    const projection = this.projections.get(name);
    if (!projection) throw new Error(`unknown projection ${name}`);
    const g = (await this.catalog.state(name))?.active ?? { version: projection.version, generation: 1 };
    return (await this.store.getCheckpoint(checkpointName(name, g))) ?? 0;
  }

  /** A projection stopped at a parked event at or before `position`: it cannot reach it. */
  async stalledBefore(position: number): Promise<{ projection: string; parkedPosition: number } | null> {
    const names = new Set(this.projections.keys());
    for (const parked of await this.parking.list()) {
      const name = parked.handler.replace(/^projection:/, '');
      if (parked.handler.startsWith('projection:') && names.has(name) && parked.position <= position) return { projection: name, parkedPosition: parked.position };
    }
    return null;
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
    if (position > (await this.events.headPosition())) return false;
    if (this.running) return [...this.active.values()].every((t) => t.checkpoint >= position);
    // A standby follows the leader's checkpoints in the shared store.
    for (const projection of this.projections.values()) {
      const state = await this.catalog.state(projection.name);
      const g = state?.active ?? { version: projection.version, generation: 1 };
      if (((await this.store.getCheckpoint(checkpointName(projection.name, g))) ?? 0) < position) return false;
    }
    return true;
  }

  async status(): Promise<ProjectionStatus[]> {
    const head = await this.events.headPosition();
    // Seen from a process that does not run them (the CLI, a standby): live if another process does.
    const runElsewhere = !this.running && (await this.store.leaseHolder(RUNNER_LEASE)) !== null;
    const parked = await this.parking.list();
    const out: ProjectionStatus[] = [];
    for (const projection of this.projections.values()) {
      const state = await this.catalog.state(projection.name);
      const g = state?.active ?? { version: projection.version, generation: 1 };
      const track = this.active.get(projection.name);
      const checkpoint = track?.checkpoint ?? (await this.store.getCheckpoint(checkpointName(projection.name, g))) ?? 0;
      const b = state?.building ?? null;
      const bTrack = this.building.get(projection.name);
      const bCheckpoint = b ? (bTrack?.checkpoint ?? (await this.store.getCheckpoint(checkpointName(projection.name, b))) ?? 0) : 0;
      const mine = parked.filter((p) => p.handler === `projection:${projection.name}`);
      const status: ProjectionStatus['status'] =
        mine.length > 0 ? 'stalled' : b ? 'rebuilding' : !this.running && !track && !runElsewhere ? 'stopped' : checkpoint >= head ? 'live' : 'catching_up';
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
}

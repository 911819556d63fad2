import { setTimeout as sleep } from 'node:timers/promises';
import { Clock, SystemClock } from '../domain/shared/clock';
import { EventStore } from '../ports/event-store.port';
import { ReadStore } from '../ports/read-store.port';
import { Projection } from './projection';
import { RUNNER_LEASE } from './leader-election';
import { ParkingLot } from './parking-lot';
import { BatchWriter } from './projection-batches';
import { ProjectionCatalog, checkpointName } from './projection-catalog';
import { Generations } from './projection-generations';
import { ProjectionStatus, projectionStatuses } from './projection-status';
import { Track } from './projection-track';
import { SharedLog } from './shared-log';
import { DEFAULT_SUPERVISION, SupervisionPolicy, SupervisorLogger, errorMessage } from './supervisor';

export { RUNNER_LEASE };
export type { ProjectionStatus };
export type RunnerLogger = SupervisorLogger;

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
 * the catalog switches queries to it and the old collections are dropped). The batches are
 * BatchWriter's, the generations and their switch Generations', the status projection-status.ts's;
 * this class leads them (the lease, the supervisor loop) and answers the queries' waits.
 */
export class ProjectionRunner {
  private readonly projections = new Map<string, Projection>();
  private readonly generations: Generations;
  private readonly writer: BatchWriter;
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
    const policy = options.supervision ?? DEFAULT_SUPERVISION;
    this.writer = new BatchWriter(store, this.log, this.parking, { owner: options.owner, batchSize: options.batchSize ?? 1000, policy, logger: options.logger });
    this.generations = new Generations(events, store, this.catalog, this.writer, this.clock, options.logger);
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
    await this.parking.prepare();
    // Supervised (and a lease start() took renewed) during the catch-up too: a catch-up longer than
    // the lease would otherwise lose the lease and be fenced out of its own checkpoint writes.
    this.prepared = false;
    this.background = this.supervise();
    for (const projection of this.projections.values()) await this.generations.prepare(projection);
    this.prepared = true;
    const target = await this.events.headPosition();
    await Promise.all([...this.generations.active.values()].map((t) => this.waitUntil(t, target)));
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopSignal.abort();
    const tracks = this.generations.all();
    for (const t of tracks) t.abort.abort();
    await Promise.allSettled(tracks.map((t) => t.loop));
    await Promise.allSettled(tracks.map((t) => this.writer.flushCheckpoint(t)));
    await this.background?.catch(() => undefined);
    // A later start() prepares fresh tracks from the stored checkpoints.
    this.generations.clear();
    if (this.ownsLog) await this.log.stop();
    if (this.ownsLease) await this.store.releaseLease(RUNNER_LEASE, this.options.owner).catch(() => undefined);
    this.ownsLease = false;
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
    for (const t of this.generations.all()) t.abort.abort();
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
        for (const projection of this.projections.values()) await this.generations.superviseOne(projection);
        for (const track of this.generations.active.values()) await this.writer.flushCheckpoint(track);
      } catch (error) {
        this.options.logger?.error('projection supervisor error', { error: errorMessage(error) });
      }
    }
  }

  /** Ask for a blue/green rebuild; the runner holding the lease (this one or a server) performs it. */
  async requestRebuild(name: string): Promise<void> {
    const projection = this.projections.get(name);
    if (!projection) throw new Error(`unknown projection ${name}`);
    const state = (await this.catalog.state(name)) ?? { name, active: null, building: null, rebuildRequestedAt: null, lastRebuild: null };
    await this.catalog.save({ ...state, rebuildRequestedAt: this.clock.now().toISOString() });
    if (this.running && !this.generations.building.has(name)) await this.generations.superviseOne(projection);
  }

  /** How far in the log the serving generation of a projection has read. */
  async checkpointOf(name: string): Promise<number> {
    const track = this.generations.active.get(name);
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
    // Leading with every projection's track prepared: their checkpoints in memory. While a takeover
    // still prepares them, a projection without its track yet would pass unseen: the store answers.
    if (this.running && this.prepared) return [...this.generations.active.values()].every((t) => t.checkpoint >= position);
    // A standby follows the leader's checkpoints in the shared store.
    for (const projection of this.projections.values()) {
      const state = await this.catalog.state(projection.name);
      const g = state?.active ?? { version: projection.version, generation: 1 };
      if (((await this.store.getCheckpoint(checkpointName(projection.name, g))) ?? 0) < position) return false;
    }
    return true;
  }

  async status(): Promise<ProjectionStatus[]> {
    const { events, store, catalog, parking, generations, running } = this;
    return projectionStatuses({ events, store, catalog, parking, generations, running, projections: this.projections.values() });
  }
}

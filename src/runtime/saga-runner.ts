import { setTimeout as sleep } from 'node:timers/promises';
import { Clock, SystemClock } from '../domain/shared/clock';
import { RecordedEvent } from '../domain/shared/events';
import { EventStore } from '../ports/event-store.port';
import { ReadStore } from '../ports/read-store.port';
import { RUNNER_LEASE } from './leader-election';
import { ParkedEvent, ParkingLot } from './parking-lot';
import { SharedLog } from './shared-log';
import { DEFAULT_SUPERVISION, SupervisionPolicy, SupervisorLogger, backoffMs, errorMessage, superviseEvent } from './supervisor';

/**
 * A process manager: turns an event into commands. Commands carry deterministic ids derived from
 * the event, so replaying an event after a crash sends nothing twice to effect.
 */
export interface Saga {
  readonly name: string;
  readonly eventTypes: readonly string[];
  handle(event: RecordedEvent): Promise<void>;
}

interface SagaTrack {
  readonly saga: Saga;
  readonly types: Set<string>;
  readonly typeList: readonly string[];
  checkpoint: number;
  stored: number;
  /** When the checkpoint was last stored (Date.now()). */
  storedAt: number;
  /** The position of the last event it handled (skipped events of other types need no store). */
  handled: number;
  failures: number;
  lastError: string | null;
  parked: ParkedEvent | null;
  loop: Promise<void> | null;
}

export interface SagaStatus {
  readonly name: string;
  readonly checkpoint: number;
  readonly failures: number;
  readonly lastError: string | null;
  readonly parked: readonly ParkedEvent[];
}

const CHECKPOINT_EVERY = 200;
/** A saga handling events without pause stores its checkpoint at least this often. */
const SAVE_HANDLED_AFTER_MS = 1000;

export interface SagaRunnerOptions {
  readonly logger?: SupervisorLogger;
  readonly clock?: Clock;
  readonly supervision?: SupervisionPolicy;
  readonly log?: SharedLog;
  /** The runner lease owner: checkpoint writes are fenced by it. */
  readonly owner?: string;
}

/**
 * Each saga reads the shared log from its own durable checkpoint. A failing step is retried with
 * backoff, then parked for ops (never silently skipped); the other sagas keep running.
 */
export class SagaRunner {
  private readonly tracks = new Map<string, SagaTrack>();
  private abort = new AbortController();
  private running = false;
  readonly parking: ParkingLot;
  private readonly log: SharedLog;
  private readonly ownsLog: boolean;

  constructor(
    events: EventStore,
    private readonly store: ReadStore,
    private readonly options: SagaRunnerOptions = {},
  ) {
    this.parking = new ParkingLot(store, options.clock ?? new SystemClock());
    this.ownsLog = !options.log;
    this.log = options.log ?? new SharedLog(events, options.logger);
  }

  register(saga: Saga): void {
    if (this.tracks.has(saga.name)) throw new Error(`saga ${saga.name} registered twice`);
    this.tracks.set(saga.name, { saga, types: new Set(saga.eventTypes), typeList: [...new Set(saga.eventTypes)], checkpoint: 0, stored: 0, storedAt: 0, handled: 0, failures: 0, lastError: null, parked: null, loop: null });
  }

  get isRunning(): boolean {
    return this.running;
  }

  names(): string[] {
    return [...this.tracks.keys()];
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    await this.log.start();
    await this.parking.prepare();
    for (const track of this.tracks.values()) {
      track.checkpoint = (await this.store.getCheckpoint(`saga:${track.saga.name}`)) ?? 0;
      track.stored = track.checkpoint;
      track.storedAt = Date.now();
      track.loop = this.consume(track);
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.abort.abort();
    await Promise.allSettled([...this.tracks.values()].map((t) => t.loop));
    // What was handled since the last store (a fenced-out leader's write is refused, harmlessly).
    await Promise.allSettled([...this.tracks.values()].filter((t) => t.checkpoint > t.stored).map((t) => this.save(t, t.checkpoint)));
    if (this.ownsLog) await this.log.stop();
  }

  async status(): Promise<SagaStatus[]> {
    const parked = await this.parking.list().catch(() => []);
    return Promise.all(
      [...this.tracks.values()].map(async (t) => ({
        name: t.saga.name,
        checkpoint: this.running ? t.checkpoint : ((await this.store.getCheckpoint(`saga:${t.saga.name}`).catch(() => null)) ?? t.checkpoint),
        failures: t.failures,
        lastError: t.lastError,
        parked: parked.filter((p) => p.handler === `saga:${t.saga.name}`),
      })),
    );
  }

  /** For tests and the CLI: resolves when every saga has handled events up to `position`. */
  async waitFor(position: number, timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ([...this.tracks.values()].every((t) => t.checkpoint >= position)) return true;
      await sleep(10);
    }
    return false;
  }

  private checkpointOf(track: SagaTrack, position: number) {
    return { name: `saga:${track.saga.name}`, position, ...(this.options.owner ? { fence: { lease: RUNNER_LEASE, owner: this.options.owner } } : {}) };
  }

  /** Never rejects: a failing read or checkpoint write resumes from the checkpoint with backoff. */
  private async consume(track: SagaTrack): Promise<void> {
    const signal = this.abort.signal;
    for (let failures = 0; !signal.aborted; ) {
      try {
        const { events: batch, through } = await this.log.readFor(track.checkpoint, 200, track.typeList);
        if (batch.length === 0 && through <= track.checkpoint) {
          if (track.handled > track.stored) await this.save(track, track.checkpoint);
          await this.log.waitBeyond(track.checkpoint, signal);
          continue;
        }
        for (const event of batch) {
          if (signal.aborted) return;
          if (event.position <= track.checkpoint) continue;
          if (track.types.has(event.type)) {
            const outcome = await this.handle(track, event, signal);
            if (outcome === 'aborted') return;
            track.handled = event.position;
            // Stored when the saga next idles (below), or now when a second has passed since the last
            // store: a crash replays at most that much, and replayed commands carry the same ids.
            if (Date.now() - track.storedAt >= SAVE_HANDLED_AFTER_MS) await this.save(track, event.position);
          }
          track.checkpoint = event.position;
          if (track.checkpoint - track.stored >= CHECKPOINT_EVERY) await this.save(track, track.checkpoint);
        }
        // Behind the shared window only this saga's types were read: it is done up to `through`.
        if (through > track.checkpoint) {
          track.checkpoint = through;
          if (track.checkpoint - track.stored >= CHECKPOINT_EVERY) await this.save(track, track.checkpoint);
        }
        failures = 0;
      } catch (error) {
        failures += 1;
        this.options.logger?.error('saga loop error; resuming from checkpoint', { saga: track.saga.name, checkpoint: track.checkpoint, error: errorMessage(error) });
        await sleep(backoffMs(this.options.supervision ?? DEFAULT_SUPERVISION, failures), undefined, { signal }).catch(() => undefined);
      }
    }
  }

  private async save(track: SagaTrack, position: number): Promise<void> {
    await this.store.batch([], this.checkpointOf(track, position));
    track.stored = position;
    track.storedAt = Date.now();
    track.checkpoint = Math.max(track.checkpoint, position);
  }

  private handle(track: SagaTrack, event: RecordedEvent, signal: AbortSignal) {
    return superviseEvent(
      `saga:${track.saga.name}`,
      event,
      async () => {
        try {
          await track.saga.handle(event);
          track.lastError = null;
        } catch (error) {
          track.failures += 1;
          track.lastError = errorMessage(error);
          throw error;
        }
      },
      { policy: this.options.supervision ?? DEFAULT_SUPERVISION, parking: this.parking, signal, logger: this.options.logger, onParked: (p) => (track.parked = p) },
    );
  }
}

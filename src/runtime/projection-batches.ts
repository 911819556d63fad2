import { setTimeout as sleep } from 'node:timers/promises';
import { RecordedEvent } from '../domain/shared/events';
import { ReadStore } from '../ports/read-store.port';
import { RUNNER_LEASE } from './leader-election';
import { ParkingLot } from './parking-lot';
import { Track } from './projection-track';
import { SharedLog } from './shared-log';
import { SupervisionPolicy, SupervisorLogger, backoffMs, errorMessage, superviseEvent } from './supervisor';
import { UnitOfWork } from './unit-of-work';

const IDLE_CHECKPOINT_EVERY = 1000;

/** An event the track has yet to apply: past its checkpoint and of a type it handles. */
function pending(track: Track, event: RecordedEvent): boolean {
  return event.position > track.checkpoint && track.types.has(event.type);
}

export interface BatchWriterOptions {
  readonly owner: string;
  readonly batchSize: number;
  readonly policy: SupervisionPolicy;
  readonly logger?: SupervisorLogger;
}

/**
 * A track's loop: reads its events from the shared log in batches and writes each batch with the
 * checkpoint in the same transaction, fenced by the runner lease. A handler that throws is
 * isolated to its event, which is supervised alone (retried, then parked or skipped).
 */
export class BatchWriter {
  constructor(
    private readonly store: ReadStore,
    private readonly log: SharedLog,
    private readonly parking: ParkingLot,
    private readonly options: BatchWriterOptions,
  ) {}

  private get fence() {
    return { lease: RUNNER_LEASE, owner: this.options.owner };
  }

  /** Never rejects: a failing read or write is retried from the checkpoint with backoff. */
  async consume(track: Track): Promise<void> {
    const signal = track.abort.signal;
    for (let failures = 0; !signal.aborted; ) {
      try {
        const { events, through } = await this.log.readFor(track.checkpoint, this.options.batchSize, track.typeList);
        // In the shared window a batch holds every type; one with none of this projection's
        // changes nothing (most batches, for most projections): only its checkpoint moves.
        if (events.some((event) => pending(track, event))) await this.applyBatch(track, events);
        else if (through - track.storedCheckpoint >= IDLE_CHECKPOINT_EVERY) await this.storeCheckpoint(track, through);
        if (signal.aborted) return;
        // Behind the shared window only this projection's types were read: it is done up to `through`.
        if (through > track.checkpoint) track.checkpoint = through;
        else if (events.length === 0) await this.log.waitBeyond(track.checkpoint, signal);
        failures = 0;
      } catch (error) {
        failures += 1;
        this.options.logger?.error('projection loop error; resuming from checkpoint', { projection: track.projection.name, checkpoint: track.checkpoint, error: errorMessage(error) });
        await sleep(backoffMs(this.options.policy, failures), undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** Store checkpoints that only moved in memory (on stop and from the supervisor). */
  async flushCheckpoint(track: Track): Promise<void> {
    if (track.checkpoint > track.storedCheckpoint) await this.storeCheckpoint(track, track.checkpoint);
  }

  private async storeCheckpoint(track: Track, position: number): Promise<void> {
    await this.store.batch([], { name: track.checkpointKey, position, fence: this.fence });
    track.storedCheckpoint = position;
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
        { policy: this.options.policy, parking: this.parking, signal: track.abort.signal, logger: this.options.logger, onParked: (p) => (track.parked = p) },
      );
      if (outcome === 'aborted') return;
      if (outcome === 'skipped') {
        await this.storeCheckpoint(track, event.position);
        track.checkpoint = event.position;
      }
      rest = rest.slice(failedAt + 1);
    }
  }

  /**
   * The documents a batch's events will read. An event whose keys cannot be computed (a poison
   * event) is left to its apply, which fails alone and is supervised alone.
   */
  private prefetched(track: Track, events: readonly RecordedEvent[]): Array<readonly [string, string]> {
    const { projection } = track;
    if (!projection.prefetch) return [];
    const pairs: Array<readonly [string, string]> = [];
    for (const event of events) {
      if (!pending(track, event)) continue;
      try {
        pairs.push(...projection.prefetch(event));
      } catch {
        // Not loaded ahead: the event's apply reads what it needs, or throws.
      }
    }
    return pairs;
  }

  /**
   * Applies events and writes them with the checkpoint. Returns the index of the event whose
   * handler threw (nothing written), or null; with `rethrow` the handler's error propagates.
   */
  private async commit(track: Track, events: readonly RecordedEvent[], rethrow = false): Promise<number | null> {
    const uow = new UnitOfWork(this.store, track.physical, track.documents);
    await uow.preload(this.prefetched(track, events));
    let applied = 0;
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      if (!pending(track, event)) continue;
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
      try {
        await this.store.batch(ops, { name: track.checkpointKey, position: last, fence: this.fence });
      } catch (error) {
        // Fenced (another runner may write now) or failed: what the store holds is not known.
        track.documents.clear();
        throw error;
      }
      track.storedCheckpoint = last;
    }
    uow.remember();
    track.checkpoint = Math.max(track.checkpoint, last);
    track.eventsApplied += applied;
    return null;
  }
}

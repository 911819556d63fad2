import { setTimeout as sleep } from 'node:timers/promises';
import { RecordedEvent } from '../domain/shared/events';
import { EventStore } from '../infrastructure/event-store/event-store.port';
import { ReadStore } from '../infrastructure/read-store/read-store.port';
import { RunnerLogger } from '../projections/runner/projection-runner';

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
  checkpoint: number;
  failures: number;
  lastError: string | null;
  loop: Promise<void> | null;
}

export interface SagaStatus {
  readonly name: string;
  readonly checkpoint: number;
  readonly failures: number;
  readonly lastError: string | null;
}

const CHECKPOINT_EVERY = 200;

/** Each saga consumes $all on its own durable checkpoint; a failing event is retried, never skipped. */
export class SagaRunner {
  private readonly tracks = new Map<string, SagaTrack>();
  private readonly abort = new AbortController();
  private running = false;

  constructor(
    private readonly events: EventStore,
    private readonly store: ReadStore,
    private readonly options: { logger?: RunnerLogger; retryBaseMs?: number } = {},
  ) {}

  register(saga: Saga): void {
    if (this.tracks.has(saga.name)) throw new Error(`saga ${saga.name} registered twice`);
    this.tracks.set(saga.name, { saga, types: new Set(saga.eventTypes), checkpoint: 0, failures: 0, lastError: null, loop: null });
  }

  async start(): Promise<void> {
    this.running = true;
    for (const track of this.tracks.values()) {
      track.checkpoint = (await this.store.getCheckpoint(`saga:${track.saga.name}`)) ?? 0;
      track.loop = this.consume(track);
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.abort.abort();
    await Promise.allSettled([...this.tracks.values()].map((t) => t.loop));
  }

  status(): SagaStatus[] {
    return [...this.tracks.values()].map((t) => ({ name: t.saga.name, checkpoint: t.checkpoint, failures: t.failures, lastError: t.lastError }));
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

  private async consume(track: SagaTrack): Promise<void> {
    const signal = this.abort.signal;
    let unsaved = 0;
    try {
      for await (const event of this.events.subscribeAll({ after: track.checkpoint, signal, batchSize: 200 })) {
        if (track.types.has(event.type)) {
          await this.handleWithRetry(track, event, signal);
          if (signal.aborted) return;
          await this.store.batch([], { name: `saga:${track.saga.name}`, position: event.position });
          unsaved = 0;
        } else if (++unsaved >= CHECKPOINT_EVERY) {
          await this.store.batch([], { name: `saga:${track.saga.name}`, position: event.position });
          unsaved = 0;
        }
        track.checkpoint = event.position;
      }
    } finally {
      if (unsaved > 0 && track.checkpoint > 0) await this.store.batch([], { name: `saga:${track.saga.name}`, position: track.checkpoint }).catch(() => undefined);
    }
  }

  private async handleWithRetry(track: SagaTrack, event: RecordedEvent, signal: AbortSignal): Promise<void> {
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        await track.saga.handle(event);
        track.lastError = null;
        return;
      } catch (error) {
        track.failures += 1;
        track.lastError = error instanceof Error ? error.message : String(error);
        this.options.logger?.error('saga step failed; will retry', { saga: track.saga.name, eventId: event.eventId, type: event.type, attempt, error: track.lastError });
        const delay = Math.min(30_000, (this.options.retryBaseMs ?? 200) * 2 ** Math.min(attempt, 8));
        await sleep(delay, undefined, { signal }).catch(() => undefined);
      }
    }
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { RecordedEvent, firstAfter } from '../domain/shared/events';
import { EventStore } from '../ports/event-store.port';
import { SupervisorLogger, errorMessage } from './supervisor';

const WINDOW = 20_000;

/**
 * The process's one subscription to `$all`: it reads and decodes each new event once and keeps the
 * most recent ones in a window every projection and saga reads from. A consumer behind the window
 * (a rebuild, a handler that was parked) reads the store on its own until it reaches the window,
 * then shares it. A dropped subscription resumes from the last event it delivered, with backoff.
 */
export class SharedLog {
  private readonly window: RecordedEvent[] = [];
  /** Every event after `floor` up to `position` is in the window. */
  private floor = 0;
  private position = 0;
  private started = false;
  /** Stopped by its owner (shutdown, demotion): only an explicit start() opens it again. */
  private stopped = false;
  private abort = new AbortController();
  private waiters = new Set<() => void>();
  private loop: Promise<void> | null = null;
  /** Events this process decoded: by the subscription and by consumers' own catch-up reads. */
  decodedBySubscription = 0;
  decodedByCatchUp = 0;

  constructor(
    private readonly events: EventStore,
    private readonly logger?: SupervisorLogger,
  ) {}

  /** Up to `limit` events after `after`; empty when the consumer is at the head. */
  async read(after: number, limit: number): Promise<RecordedEvent[]> {
    if (!this.started) {
      // A consumer that missed the shutdown must not resurrect the subscription on a closing store.
      if (this.stopped) return [];
      await this.start();
    }
    if (after >= this.floor && after < this.position) return this.slice(after, limit);
    if (after >= this.position) return [];
    const events = await this.events.readAll({ after, limit });
    this.decodedByCatchUp += events.length;
    return events;
  }

  /**
   * For a consumer of some event types: up to `limit` events after `after`, and the position it
   * may move its checkpoint to once it handled them (`through`). In the window, every event (it
   * is decoded already); behind it, only events of `types`, read through the store's type index,
   * so a saga catching up decodes its own events and skips the rest.
   */
  async readFor(after: number, limit: number, types: readonly string[]): Promise<{ events: RecordedEvent[]; through: number }> {
    if (!this.started) {
      if (this.stopped) return { events: [], through: after };
      await this.start();
    }
    if (after >= this.floor) {
      const events = await this.read(after, limit);
      return { events, through: events.length > 0 ? events[events.length - 1].position : after };
    }
    // Behind the window: read the store up to where the window starts, by type.
    const until = this.floor;
    const events = await this.events.readAll({ after, limit, types, until });
    this.decodedByCatchUp += events.length;
    const last = events.length > 0 ? events[events.length - 1].position : after;
    return { events, through: events.length >= limit ? last : Math.max(until, last) };
  }

  /** Every event after `after`, live, from the shared window: for watchers of a few event types. */
  async *follow(after: number, signal: AbortSignal): AsyncIterable<RecordedEvent> {
    let position = after;
    while (!signal.aborted) {
      const batch = await this.read(position, 500);
      if (batch.length === 0) await this.waitBeyond(position, signal);
      for (const event of batch) {
        if (signal.aborted) return;
        position = event.position;
        yield event;
      }
    }
  }

  /** Resolves when an event after `after` may be readable (or on abort). */
  async waitBeyond(after: number, signal: AbortSignal): Promise<void> {
    if (this.position > after || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        this.waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  get head(): number {
    return this.position;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.stopped = false;
    this.abort = new AbortController();
    this.window.length = 0;
    this.position = await this.events.headPosition();
    this.floor = this.position;
    this.loop = this.subscribe();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.stopped = true;
    this.abort.abort();
    this.notify();
    await this.loop?.catch(() => undefined);
  }

  private slice(after: number, limit: number): RecordedEvent[] {
    const from = firstAfter(this.window, after);
    return this.window.slice(from, from + limit);
  }

  private async subscribe(): Promise<void> {
    for (let failures = 0; !this.abort.signal.aborted; ) {
      try {
        for await (const event of this.events.subscribeAll({ after: this.position, signal: this.abort.signal, batchSize: 500 })) {
          this.push(event);
          failures = 0;
        }
        if (this.abort.signal.aborted) return;
        throw new Error('subscription ended');
      } catch (error) {
        if (this.abort.signal.aborted) return;
        failures += 1;
        const delay = Math.min(5000, 50 * 2 ** Math.min(failures, 7));
        this.logger?.error('subscription to $all dropped; resuming from its position', { position: this.position, retryInMs: delay, error: errorMessage(error) });
        await sleep(delay, undefined, { signal: this.abort.signal }).catch(() => undefined);
      }
    }
  }

  private push(event: RecordedEvent): void {
    if (event.position <= this.position) return;
    this.decodedBySubscription += 1;
    this.window.push(event);
    this.position = event.position;
    if (this.window.length > WINDOW * 1.5) {
      const dropped = this.window.splice(0, this.window.length - WINDOW);
      this.floor = dropped[dropped.length - 1].position;
    }
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }
}

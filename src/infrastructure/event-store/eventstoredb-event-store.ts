import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConcurrencyError } from '../../domain/shared/errors';
import { EventData, EventMetadata, NewEvent, RecordedEvent } from '../../domain/shared/events';
import { GENESIS_HASH, eventHash } from '../../domain/shared/hash-chain';
import { UpcasterRegistry } from '../../domain/shared/upcasting';
import { AppendResult, EventStore, ExpectedRevision, ReadAllOptions, ReadStreamOptions, SubscribeOptions } from '../../ports/event-store.port';

/** How far back a retried append looks for its own event ids. */
const IDEMPOTENCY_LOOKBACK = 100;

/**
 * EventStoreDB / KurrentDB adapter. Positions are commit positions; the hash chain reads the
 * stream's last event and appends with that exact revision, so two writers cannot fork a chain.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb';
  private readonly client: EventStoreDBClient;
  private closed = false;

  constructor(
    connectionString: string,
    private readonly upcasters: UpcasterRegistry,
    private readonly options: { pollIntervalMs?: number; onAppended?: (count: number) => void } = {},
  ) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  /** Documents live in another store (MongoDB): a claim is written by its sender. */
  writesClaims(): boolean {
    return false;
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    for (let attempt = 0; ; attempt++) {
      const tail = await this.readStream(stream, { direction: 'backwards', limit: 1, raw: true });
      const head = tail[0];
      const current = head ? head.revision : null;
      const duplicate = head ? await this.findDuplicate(stream, events) : null;
      if (duplicate) return duplicate;
      if (expected === 'no_stream' && current !== null) throw new ConcurrencyError(stream, 'no_stream', String(current));
      if (typeof expected === 'number' && current !== expected) throw new ConcurrencyError(stream, String(expected), current === null ? 'no_stream' : String(current));
      let previousHash = head?.metadata.hash ?? GENESIS_HASH;
      const prepared = events.map((event) => {
        const hash = eventHash(event.type, event.data, event.metadata, previousHash);
        previousHash = hash;
        const metadata: EventMetadata = { ...event.metadata, hash };
        return jsonEvent({ id: event.eventId, type: event.type, data: event.data as Record<string, unknown>, metadata: metadata as unknown as Record<string, unknown> });
      });
      try {
        const result = await this.client.appendToStream(stream, prepared, {
          expectedRevision: current === null ? NO_STREAM : BigInt(current),
        });
        this.options.onAppended?.(events.length);
        // One append is one commit: its events share the commit position they are read back with.
        const position = Number(result.position?.commit ?? 0n);
        return { nextRevision: Number(result.nextExpectedRevision), position, positions: events.map(() => position) };
      } catch (error) {
        // With 'any' another writer may have moved the head between our read and append: re-read.
        if (error instanceof WrongExpectedVersionError) {
          if (expected === 'any' && attempt < 5) continue;
          const again = await this.findDuplicate(stream, events);
          if (again) return again;
          throw new ConcurrencyError(stream, String(expected), String(error.actualVersion));
        }
        throw error;
      }
    }
  }

  private async findDuplicate(stream: string, events: readonly NewEvent[]): Promise<AppendResult | null> {
    const recent = await this.readStream(stream, { direction: 'backwards', limit: IDEMPOTENCY_LOOKBACK, raw: true });
    const byId = new Map(recent.map((e) => [e.eventId, e]));
    const last = byId.get(events[events.length - 1].eventId);
    return last ? { nextRevision: last.revision, position: last.position, positions: events.map((e) => byId.get(e.eventId)?.position ?? last.position) } : null;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const out: RecordedEvent[] = [];
    try {
      const reader = this.client.readStream(stream, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision === undefined ? (backwards ? END : START) : BigInt(options.fromRevision),
        maxCount: options.limit ?? Number.MAX_SAFE_INTEGER,
      });
      for await (const resolved of reader) {
        const event = this.toEvent(resolved, options.raw ?? false);
        if (event) out.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out;
  }

  async streamRevision(stream: string): Promise<number | null> {
    const tail = await this.readStream(stream, { direction: 'backwards', limit: 1, raw: true });
    return tail[0]?.revision ?? null;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0;
    const limit = options.limit ?? 1000;
    const out: RecordedEvent[] = [];
    const reader = this.client.readAll({
      direction: FORWARDS,
      fromPosition: after > 0 ? { commit: BigInt(after), prepare: BigInt(after) } : START,
      maxCount: limit + 1,
    });
    for await (const resolved of reader as AsyncIterable<AllStreamResolvedEvent>) {
      if (!resolved.event || resolved.event.type.startsWith('$') || resolved.event.streamId.startsWith('$')) continue;
      const event = this.toEvent(resolved, options.raw ?? false);
      if (event && event.position > after) out.push(event);
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * The server's own catch-up subscription to $all, filtered server-side to non-system events. When
   * the connection drops it resubscribes from the last delivered position, with capped backoff.
   */
  async *subscribeAll(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    let after = options.after ?? 0;
    for (let failures = 0; !this.closed && !options.signal?.aborted; ) {
      const subscription = this.client.subscribeToAll({
        fromPosition: after > 0 ? { commit: BigInt(after), prepare: BigInt(after) } : START,
        filter: excludeSystemEvents(),
      });
      const onAbort = () => void subscription.unsubscribe().catch(() => undefined);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>) {
          if (!resolved.event || resolved.event.streamId.startsWith('$')) continue;
          const event = this.toEvent(resolved, false);
          if (!event || event.position <= after) continue;
          after = event.position;
          failures = 0;
          yield event;
        }
      } catch {
        if (this.closed || options.signal?.aborted) return;
        failures += 1;
        await sleep(Math.min(5000, 100 * 2 ** Math.min(failures, 6)), undefined, { ref: false });
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
        await subscription.unsubscribe().catch(() => undefined);
      }
    }
  }

  async headPosition(): Promise<number> {
    const reader = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 50 });
    for await (const resolved of reader as AsyncIterable<AllStreamResolvedEvent>) {
      if (resolved.event && !resolved.event.streamId.startsWith('$')) return Number(resolved.event.position?.commit ?? 0n);
    }
    return 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client.dispose();
  }

  private toEvent(resolved: ResolvedEvent | AllStreamResolvedEvent, raw: boolean): RecordedEvent | null {
    const e = resolved.event;
    if (!e || !e.isJson) return null;
    const event: RecordedEvent = {
      eventId: e.id,
      stream: e.streamId,
      revision: Number(e.revision),
      position: Number(e.position?.commit ?? 0n),
      type: e.type,
      data: e.data as EventData,
      metadata: e.metadata as unknown as EventMetadata,
      recordedAt: e.created.toISOString(),
    };
    return raw ? event : this.upcasters.upcast(event);
  }
}

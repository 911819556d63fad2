/**
 * The event envelope. `type` is a stable past-tense string stored forever; `data` is the
 * event's own shape (camelCase, as the domain writes it); `metadata` says who, when, why.
 */
export interface EventMetadata {
  readonly tenantId: string | null;
  readonly actorId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly occurredAt: string;
  readonly schemaVersion: number;
  /** sha256 chained to the previous event of the stream; set by the event store on append. */
  readonly hash?: string;
}

export type EventData = Readonly<Record<string, unknown>>;

/** What a decider returns: the fact, without envelope. */
export interface DomainEvent<T extends string = string, D extends EventData = EventData> {
  readonly type: T;
  readonly data: D;
}

/** An event ready to append: the store adds the hash, position and revision. */
export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: EventData;
  readonly metadata: Omit<EventMetadata, 'hash'>;
}

export interface RecordedEvent<D extends EventData = EventData> {
  readonly eventId: string;
  readonly stream: string;
  /** 0-based revision within the stream. */
  readonly revision: number;
  /** Global commit order position (monotonic; not necessarily contiguous). */
  readonly position: number;
  readonly type: string;
  readonly data: D;
  readonly metadata: EventMetadata;
  readonly recordedAt: string;
}

/** Narrow a recorded event to one type of a union, for projections and sagas. */
export function isEventOf<E extends DomainEvent>(event: RecordedEvent, type: E['type']): event is RecordedEvent<E['data']> & { type: E['type'] } {
  return event.type === type;
}

export function streamName(category: string, id: string): string {
  return `${category}-${id}`;
}

/** The index of the first event after `after` in events held in position order (their length when none is). */
export function firstAfter(events: readonly { readonly position: number }[], after: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid].position <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

import { UnprocessableError } from '../domain/shared/errors';
import { NewEvent, RecordedEvent } from '../domain/shared/events';

export const EVENT_STORE = Symbol('EVENT_STORE');

/** `no_stream`: the stream must not exist; a number: the stream's current last revision. */
export type ExpectedRevision = 'no_stream' | 'any' | number;

export interface AppendResult {
  /** Revision of the last event in the stream after the append. */
  readonly nextRevision: number;
  /** Log position of the last appended event. */
  readonly position: number;
  /** Log position of each event of the append, in order (for a retried append: where the first one recorded them). */
  readonly positions: readonly number[];
}

export interface ReadStreamOptions {
  readonly fromRevision?: number;
  readonly direction?: 'forwards' | 'backwards';
  readonly limit?: number;
  /** Return events exactly as stored (auditors verifying hashes); default false = upcast. */
  readonly raw?: boolean;
}

export interface ReadAllOptions {
  /** Exclusive: events with a position strictly greater. Omitted: from the beginning. */
  readonly after?: number;
  readonly limit?: number;
  readonly raw?: boolean;
  /**
   * Only events of these types (a consumer catching up reads through its types' index entries,
   * and decodes nothing else). A store that cannot filter may return other events too: consumers
   * check each event's type.
   */
  readonly types?: readonly string[];
  /** Inclusive upper bound of the positions read; with `types`, required to know how far a short page reached. */
  readonly until?: number;
}

export interface SubscribeOptions {
  readonly after?: number;
  readonly signal?: AbortSignal;
  /** Events fetched per read; the consumer's pace sets the pace. */
  readonly batchSize?: number;
}

/**
 * A read-store document an append writes in its own transaction unless one is stored under its id
 * already (an `Idempotency-Key`'s record): the events and the document are durable together.
 */
export interface AppendClaim {
  readonly collection: string;
  readonly id: string;
  readonly doc: Readonly<Record<string, unknown>>;
}

/** A command's claim, and whether its append wrote it (else the sender writes it itself). */
export interface ClaimSlot {
  readonly claim: AppendClaim;
  written: boolean;
}

export interface AppendOptions {
  /**
   * Written with the events, in their transaction. One already stored with the same document is
   * left as it is; one stored with another document fails the append with ClaimTakenError, and
   * nothing of it is written.
   */
  readonly claims?: readonly AppendClaim[];
}

/** An append's claim found another document stored under its id: nothing of the append was written. */
export class ClaimTakenError extends UnprocessableError {
  constructor(
    readonly collection: string,
    readonly id: string,
  ) {
    super(`another document is stored under ${id} in ${collection}`);
  }
}

export interface EventStore {
  readonly kind: string;
  /**
   * Append atomically. Appending events whose ids are already in the stream (a retried request)
   * is idempotent: it returns the original result and appends nothing.
   * Throws ConcurrencyError when `expected` does not match, ClaimTakenError when a claim does.
   */
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision, options?: AppendOptions): Promise<AppendResult>;
  /** Whether `append` writes its options' claims (a store whose documents live elsewhere does not). */
  writesClaims(): boolean;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Current last revision, or null when the stream does not exist. */
  streamRevision(stream: string): Promise<number | null>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** A catch-up subscription: pulls in batches, so a slow consumer slows the reads, never buffers. */
  subscribeAll(options?: SubscribeOptions): AsyncIterable<RecordedEvent>;
  headPosition(): Promise<number>;
  close(): Promise<void>;
}

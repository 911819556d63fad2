import { ConcurrencyError } from '../../domain/shared/errors';
import { EventMetadata, NewEvent } from '../../domain/shared/events';
import { GENESIS_HASH, eventHash } from '../../domain/shared/hash-chain';
import { AppendResult, ExpectedRevision } from '../../ports/event-store.port';

export interface PendingAppend {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

export interface StoredEventRef {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
}

/** Columns of the rows one transaction inserts, as parallel arrays for `unnest`. */
export interface InsertColumns {
  eventIds: string[];
  streams: string[];
  revisions: number[];
  types: string[];
  data: string[];
  metadata: string[];
  hashes: string[];
  recordedAt: string[];
}

/** What each append of a batch turns into: rows to insert, an earlier answer, or an error. */
export type Outcome =
  | { readonly kind: 'insert'; readonly lastEventId: string; readonly nextRevision: number; readonly count: number }
  | { readonly kind: 'duplicate'; readonly lastEventId: string }
  | { readonly kind: 'failed'; readonly error: unknown };

/**
 * Decide every append of a batch in order, against the stream heads read under the append lock:
 * later appends of the batch see the rows earlier ones will insert, exactly as if each had
 * committed alone. The (stream, revision) constraint backs the expected-revision check.
 */
export function planBatch(
  batch: readonly PendingAppend[],
  heads: Map<string, { revision: number; hash: string }>,
  stored: Map<string, StoredEventRef>,
  now: string,
): { outcomes: Outcome[]; columns: InsertColumns } {
  const columns: InsertColumns = { eventIds: [], streams: [], revisions: [], types: [], data: [], metadata: [], hashes: [], recordedAt: [] };
  const inBatch = new Map<string, string>(); // event id -> stream, for ids this batch inserts
  const outcomes = batch.map((append): Outcome => {
    const first = append.events[0].eventId;
    const last = append.events[append.events.length - 1].eventId;
    const earlierStream = stored.get(first)?.stream ?? inBatch.get(first);
    if (earlierStream !== undefined) {
      // The same event ids again: a retry of an acknowledged (or batched) append.
      if (earlierStream !== append.stream || (!stored.has(last) && !inBatch.has(last))) {
        return { kind: 'failed', error: new ConcurrencyError(append.stream, `new event ${first}`, `event id already used in ${earlierStream}`) };
      }
      return { kind: 'duplicate', lastEventId: last };
    }
    const head = heads.get(append.stream);
    const current = head ? head.revision : null;
    const { expected } = append;
    if (expected === 'no_stream' && current !== null) return { kind: 'failed', error: new ConcurrencyError(append.stream, 'no_stream', String(current)) };
    if (typeof expected === 'number' && current !== expected) {
      return { kind: 'failed', error: new ConcurrencyError(append.stream, String(expected), current === null ? 'no_stream' : String(current)) };
    }
    if (append.events.some((e) => stored.has(e.eventId) || inBatch.has(e.eventId))) {
      return { kind: 'failed', error: new ConcurrencyError(append.stream, 'new event ids', 'some event ids already used') };
    }
    let previousHash = head ? head.hash : GENESIS_HASH;
    let revision = current ?? -1;
    for (const event of append.events) {
      revision += 1;
      const hash = eventHash(event.type, event.data, event.metadata, previousHash);
      const metadata: EventMetadata = { ...event.metadata, hash };
      columns.eventIds.push(event.eventId);
      columns.streams.push(append.stream);
      columns.revisions.push(revision);
      columns.types.push(event.type);
      columns.data.push(JSON.stringify(event.data));
      columns.metadata.push(JSON.stringify(metadata));
      columns.hashes.push(hash);
      columns.recordedAt.push(now);
      inBatch.set(event.eventId, append.stream);
      previousHash = hash;
    }
    heads.set(append.stream, { revision, hash: previousHash });
    return { kind: 'insert', lastEventId: last, nextRevision: revision, count: append.events.length };
  });
  return { outcomes, columns };
}

/** The ids whose stored rows decide idempotency: first and last event of each append. */
export function idsToLookUp(batch: readonly PendingAppend[]): string[] {
  const ids = new Set<string>();
  for (const a of batch) for (const e of a.events) ids.add(e.eventId);
  return [...ids];
}

import { isDeepStrictEqual } from 'node:util';
import { ConcurrencyError } from '../../domain/shared/errors';
import { EventMetadata, NewEvent } from '../../domain/shared/events';
import { GENESIS_HASH, eventHash } from '../../domain/shared/hash-chain';
import { AppendResult, ClaimTakenError, ExpectedRevision } from '../../ports/event-store.port';
import { ClaimRow } from '../claim-tables';

export interface PendingAppend {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedRevision;
  readonly claims?: readonly ClaimRow[];
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

/** Where a claim is found: its table and id. */
export function claimKey(claim: { readonly table: string; readonly id: string }): string {
  return `${claim.table}\u0000${claim.id}`;
}

/**
 * Decide every append of a batch in order, against the stream heads read under the append lock:
 * later appends of the batch see the rows earlier ones will insert, exactly as if each had
 * committed alone. The (stream, revision) constraint backs the expected-revision check.
 * `claimed` holds the documents stored before under the batch's claims (by claimKey); an append
 * whose claim finds another document (stored, or claimed earlier in the batch) fails, and the new
 * claims of those that go on are returned to insert.
 */
export function planBatch(
  batch: readonly PendingAppend[],
  heads: Map<string, { revision: number; hash: string }>,
  stored: Map<string, StoredEventRef>,
  now: string,
  claimed: Map<string, unknown> = new Map(),
): { outcomes: Outcome[]; columns: InsertColumns; claims: ClaimRow[] } {
  const columns: InsertColumns = { eventIds: [], streams: [], revisions: [], types: [], data: [], metadata: [], hashes: [], recordedAt: [] };
  const inBatch = new Map<string, string>(); // event id -> stream, for ids this batch inserts
  const claims: ClaimRow[] = [];
  const outcomes = batch.map((append): Outcome => {
    // Claims first: one stored with another document fails the append before anything else.
    const outcome = takenClaim(append, claimed) ?? planOne(append);
    if (outcome.kind !== 'failed') claims.push(...newClaims(append, claimed));
    return outcome;
  });
  return { outcomes, columns, claims };

  function planOne(append: PendingAppend): Outcome {
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
  }
}

/** The failure of an append whose claim finds another document (stored, or claimed earlier in the batch), or null. */
function takenClaim(append: PendingAppend, claimed: ReadonlyMap<string, unknown>): Outcome | null {
  const taken = append.claims?.find((c) => claimed.has(claimKey(c)) && !isDeepStrictEqual(claimed.get(claimKey(c)), JSON.parse(c.doc)));
  return taken ? { kind: 'failed', error: new ClaimTakenError(taken.collection, taken.id) } : null;
}

/** The claims of an append that goes on which are not stored yet: marked claimed, to insert. */
function newClaims(append: PendingAppend, claimed: Map<string, unknown>): ClaimRow[] {
  const fresh = (append.claims ?? []).filter((claim) => !claimed.has(claimKey(claim)));
  for (const claim of fresh) claimed.set(claimKey(claim), JSON.parse(claim.doc));
  return fresh;
}

/** The ids whose stored rows decide idempotency: first and last event of each append. */
export function idsToLookUp(batch: readonly PendingAppend[]): string[] {
  const ids = new Set<string>();
  for (const a of batch) for (const e of a.events) ids.add(e.eventId);
  return [...ids];
}

import { sha256Hex } from './sha256';
import { canonicalJson } from './canonical-json';
import { EventData, EventMetadata, RecordedEvent } from './events';

/** The hash of the first event's predecessor. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * sha256 over canonical JSON of type, data, metadata without the hash, and the previous
 * event's hash in the stream. Reordering, editing or deleting an event breaks the chain from
 * that revision on.
 */
export function eventHash(type: string, data: EventData, metadata: Omit<EventMetadata, 'hash'>, previousHash: string): string {
  const { hash: _ignored, ...rest } = metadata as EventMetadata;
  return sha256Hex(canonicalJson({ type, data, metadata: rest, previousHash }));
}

export interface ChainVerification {
  readonly valid: boolean;
  readonly eventsChecked: number;
  readonly firstBrokenRevision: number | null;
  readonly reason: string | null;
}

/** Recompute a stream's chain, oldest first, on the events exactly as stored (not upcast). */
export function verifyChain(events: readonly RecordedEvent[]): ChainVerification {
  let previous = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (event.revision !== i) {
      return { valid: false, eventsChecked: i + 1, firstBrokenRevision: i, reason: `expected revision ${i}, found ${event.revision}` };
    }
    const expected = eventHash(event.type, event.data, event.metadata, previous);
    if (event.metadata.hash !== expected) {
      return { valid: false, eventsChecked: i + 1, firstBrokenRevision: event.revision, reason: 'hash mismatch' };
    }
    previous = expected;
  }
  return { valid: true, eventsChecked: events.length, firstBrokenRevision: null, reason: null };
}

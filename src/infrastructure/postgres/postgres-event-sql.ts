import { ConcurrencyError } from '../../domain/shared/errors';
import { RecordedEvent } from '../../domain/shared/events';

/* The SQL of the PostgreSQL event store: its columns, the append lock, the read by types, errors. */

export type EventRow = [position: number, eventId: string, stream: string, revision: number, type: string, data: RecordedEvent['data'], metadata: RecordedEvent['metadata'], recordedAt: string];
export const COLUMNS = 'position, event_id, stream, revision, type, data, metadata, recorded_at';

/**
 * Every append transaction takes this transaction-scoped lock before drawing positions and holds
 * it until its commit is visible. So positions are handed out in commit order: when a reader sees
 * position n, every position below n is committed or rolled back, and a reader that reads past
 * the highest visible position (the high-water mark) can never skip a later-committing event.
 */
export const APPEND_LOCK = 0x666c7965; // 'flye'

/**
 * The first `limit` events of the given types: each type's next positions through the events_type
 * index (a LATERAL index scan per type, in index order), merged, then only those rows.
 */
export const OF_TYPES = `
  SELECT ${COLUMNS} FROM events WHERE position IN (
    SELECT p.position FROM unnest($1::text[]) AS t(type)
    CROSS JOIN LATERAL (SELECT e.position FROM events e WHERE e.type = t.type AND e.position > $2 AND e.position <= $3 ORDER BY e.position LIMIT $4) p
    ORDER BY p.position LIMIT $4
  ) ORDER BY position ASC`;

/** A row read in array mode as the event it stores. */
export function toEvent(row: EventRow): RecordedEvent {
  return { position: row[0], eventId: row[1], stream: row[2], revision: row[3], type: row[4], data: row[5], metadata: row[6], recordedAt: row[7] };
}

/** A unique violation on (stream, revision) is another writer winning the race. */
export function translate(error: unknown, stream: string): unknown {
  if (error && typeof error === 'object' && 'code' in error && (error as { code: unknown }).code === '23505') {
    return new ConcurrencyError(stream, 'the revision it read', 'a revision another writer appended');
  }
  return error;
}

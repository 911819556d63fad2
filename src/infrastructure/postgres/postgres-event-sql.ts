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
 * In one read under the append lock: the head (revision, hash) of each stream of a batch ($1) and
 * the events already stored under any of its event ids ($2), told apart by `stored`.
 */
export const HEADS_AND_STORED = `
  SELECT false AS stored, stream, revision, hash, NULL::text AS event_id, NULL::bigint AS position
    FROM (SELECT DISTINCT ON (stream) stream, revision, hash FROM events WHERE stream = ANY($1::text[]) ORDER BY stream, revision DESC) h
  UNION ALL
  SELECT true, stream, revision, NULL, event_id, position FROM events WHERE event_id = ANY($2::text[])`;

/** The batch's rows, and the NOTIFY of the highest position ($9 the channel) in the same statement. */
export const INSERT_AND_NOTIFY = insertAndNotify([]);

/**
 * INSERT_AND_NOTIFY that also inserts claims: per table, its ids and JSON documents in the
 * parameters numbered `ids` and `docs`. Plain inserts: a claim stored meanwhile is a unique violation.
 */
export function insertAndNotify(claims: readonly { readonly table: string; readonly ids: number; readonly docs: number }[]): string {
  const claimed = claims.map((c, i) => `claim${i} AS (INSERT INTO ${c.table} (id, doc) SELECT * FROM unnest($${c.ids}::text[], $${c.docs}::jsonb[])), `).join('');
  return `
  WITH ${claimed}ins AS (
    INSERT INTO events (event_id, stream, revision, type, data, metadata, hash, recorded_at)
    SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::jsonb[], $6::jsonb[], $7::text[], $8::text[])
    RETURNING event_id, stream, revision, position
  ), notified AS (SELECT pg_notify($9, (SELECT max(position) FROM ins)::text))
  SELECT ins.event_id, ins.stream, ins.revision, ins.position FROM ins, notified`;
}

/** The documents stored under some ids ($1) of a read-model table: an append's claims, looked up under the append lock. */
export function claimsLookup(table: string): string {
  return `SELECT id, doc FROM ${table} WHERE id = ANY($1::text[])`;
}

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

/** A value of the append's statements written into their SQL: a text, an integer, or an array of either. */
export type Inlinable = string | number | readonly string[] | readonly number[];

/**
 * A text as a SQL literal, exactly as node-postgres's `escapeLiteral` writes it (quotes doubled;
 * with a backslash, an E'' literal with backslashes doubled), in two replaces instead of one string
 * concatenation per character: an event's 2 kB of JSON took 16-18 µs that way, 0.7-1.1 µs this way.
 */
export function escapeLiteral(value: string): string {
  const quoted = value.includes("'") ? value.replace(/'/g, "''") : value;
  return value.includes('\\') ? ` E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

/**
 * `sql` with each `$n` replaced by the n-th value as a literal (texts escaped as the driver does, arrays
 * as ARRAY[...]; the casts stay those of the SQL), so that several statements can go in one
 * round trip by the simple protocol, which takes no parameters.
 */
export function inlined(sql: string, values: readonly Inlinable[]): string {
  const literal = (value: string | number): string => {
    if (typeof value === 'string') return escapeLiteral(value);
    if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
    return String(value);
  };
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const value = values[Number(n) - 1];
    if (value === undefined) throw new Error(`no value for $${n}`);
    return Array.isArray(value) ? `ARRAY[${(value as readonly (string | number)[]).map(literal).join(',')}]` : literal(value as string | number);
  });
}

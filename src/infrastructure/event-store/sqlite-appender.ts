import type { Statement } from 'better-sqlite3';
import { ConcurrencyError } from '../../domain/shared/errors';
import { EventMetadata, NewEvent } from '../../domain/shared/events';
import { GENESIS_HASH, eventHash } from '../../domain/shared/hash-chain';
import { SqliteHandle } from '../sqlite/sqlite-database';
import { ExpectedRevision } from '../../ports/event-store.port';

export const EVENTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id    TEXT NOT NULL UNIQUE,
  stream      TEXT NOT NULL,
  revision    INTEGER NOT NULL,
  type        TEXT NOT NULL,
  data        TEXT NOT NULL,
  metadata    TEXT NOT NULL,
  hash        TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  UNIQUE (stream, revision)
);
CREATE INDEX IF NOT EXISTS events_type ON events(type, position);
`;

export interface AppendOutcome {
  readonly nextRevision: number;
  readonly position: number;
  readonly positions: readonly number[];
  readonly appended: number;
  /** What the appended events were recorded with (absent when a retry appended nothing). */
  readonly recorded?: { readonly hashes: readonly string[]; readonly recordedAt: string };
}

/**
 * One append inside an open write transaction: idempotency by event id, the expected-revision
 * check, then the hash-chained inserts. Runs on whichever thread owns the write connection.
 */
export class SqliteAppender {
  private readonly head: Statement<[string], { revision: number; hash: string }>;
  private readonly byEventId: Statement<[string], { stream: string; revision: number; position: number }>;
  private readonly insert: Statement;

  constructor(db: SqliteHandle) {
    this.head = db.prepare('SELECT revision, hash FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1');
    this.byEventId = db.prepare('SELECT stream, revision, position FROM events WHERE event_id = ?');
    this.insert = db.prepare('INSERT INTO events (event_id, stream, revision, type, data, metadata, hash, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  }

  /**
   * A retry of an acknowledged append (its first event id stored already) is answered as the first
   * time was, whatever it expects. The id is looked up only when the append would otherwise fail
   * (a stale expected revision) or when the first insert does: the unique event id refuses it.
   */
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): AppendOutcome {
    const head = this.head.get(stream);
    const current = head ? head.revision : null;
    if ((expected === 'no_stream' && current !== null) || (typeof expected === 'number' && current !== expected)) {
      const retry = this.retryOf(stream, events);
      if (retry) return retry;
      throw new ConcurrencyError(stream, String(expected), current === null ? 'no_stream' : String(current));
    }
    let previousHash = head ? head.hash : GENESIS_HASH;
    let revision = current ?? -1;
    const positions: number[] = [];
    const hashes: string[] = [];
    const recordedAt = new Date().toISOString();
    for (const event of events) {
      revision += 1;
      const hash = eventHash(event.type, event.data, event.metadata, previousHash);
      const metadata: EventMetadata = { ...event.metadata, hash };
      let info;
      try {
        info = this.insert.run(event.eventId, stream, revision, event.type, JSON.stringify(event.data), JSON.stringify(metadata), hash, recordedAt);
      } catch (error) {
        // Nothing is inserted yet when the first event's id is taken: a retry, or an id used elsewhere.
        const retry = positions.length === 0 ? this.retryOf(stream, events) : null;
        if (retry) return retry;
        throw error;
      }
      positions.push(Number(info.lastInsertRowid));
      hashes.push(hash);
      previousHash = hash;
    }
    return { nextRevision: revision, position: positions[positions.length - 1], positions, appended: events.length, recorded: { hashes, recordedAt } };
  }

  /**
   * The same event ids again: a retry of an acknowledged append, answered as the first time was;
   * null when the first event id is not stored.
   */
  private retryOf(stream: string, events: readonly NewEvent[]): AppendOutcome | null {
    const first = this.byEventId.get(events[0].eventId);
    if (!first) return null;
    const stored = events.map((e, i) => (i === 0 ? first : this.byEventId.get(e.eventId)));
    const last = stored[stored.length - 1];
    if (first.stream !== stream || !last) {
      throw new ConcurrencyError(stream, `new event ${events[0].eventId}`, `event id already used in ${first.stream}`);
    }
    return { nextRevision: last.revision, position: last.position, positions: stored.map((e) => e?.position ?? last.position), appended: 0 };
  }
}

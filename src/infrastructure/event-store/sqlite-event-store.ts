import type { Statement } from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import { NewEvent, RecordedEvent } from '../../domain/shared/events';
import { UpcasterRegistry } from '../../domain/shared/upcasting';
import { ClaimTables, Claims } from '../claim-tables';
import { SqliteHandle, synchronousOf } from '../sqlite/sqlite-database';
import { SqliteWriter, WriterStats, toError } from '../sqlite/sqlite-writer';
import { WriterOp } from '../sqlite/sqlite-writer.protocol';
import { CLAIM_TAKEN, WriteGroup } from '../sqlite/write-group';
import { AppendOptions, AppendResult, ClaimTakenError, EventStore, ExpectedRevision, ReadAllOptions, ReadStreamOptions, SubscribeOptions } from '../../ports/event-store.port';
import { AppendOutcome, EVENTS_SCHEMA } from './sqlite-appender';
import { OwnAppends } from './own-appends';

/** Rows are read as arrays (better-sqlite3 raw mode): about 3x faster than objects on big reads. */
type EventRow = [position: number, eventId: string, stream: string, revision: number, type: string, data: string, metadata: string, recordedAt: string];
const COLUMNS = 'position, event_id, stream, revision, type, data, metadata, recorded_at';
const FORWARDS = `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ?`;
const BACKWARDS = `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ?`;
const ALL = `SELECT ${COLUMNS} FROM events WHERE position > ?`;
const BEFORE = `SELECT ${COLUMNS} FROM events WHERE position > ? AND position < ?`;
/** Index-only: the next positions of one type, in the events_type index's own order. */
const OF_TYPE = 'SELECT position FROM events INDEXED BY events_type WHERE type = ? AND position > ? AND position <= ?';

export interface SqliteEventStoreOptions {
  /** How often a subscription at the head looks for appends made by other processes. */
  readonly pollIntervalMs?: number;
  readonly onAppended?: (count: number) => void;
  /**
   * The writer thread appends go through (shared with the read store in the app). Omitted: the
   * store starts its own for a file database; an in-memory database appends on its own handle.
   */
  readonly writer?: SqliteWriter;
  /** Append on the given handle, on the calling thread, one transaction each (benchmarks compare). */
  readonly inline?: boolean;
}

/**
 * The embedded event store: one table in the shared SQLite file. Appends go to the writer thread,
 * which commits those arriving together in one transaction (group commit, one fsync); reads run
 * on the handle given here.
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite';
  private readonly waiters = new Set<() => void>();
  private readonly statements;
  private readonly pollIntervalMs: number;
  private readonly writer: SqliteWriter | null;
  private readonly ownsWriter: boolean;
  private readonly inline: WriteGroup | null;
  private closed = false;
  private readonly claims = new Claims();
  private readonly byLimit = new Map<string, Statement>();
  /** The events this process appended, as recorded: its subscriptions need not read them back. */
  private readonly own: OwnAppends;
  /** Events subscriptions took as this process recorded them, and those they read from the file. */
  private delivered = { recorded: 0, read: 0 };

  constructor(
    private readonly db: SqliteHandle,
    private readonly upcasters: UpcasterRegistry,
    private readonly options: SqliteEventStoreOptions = {},
  ) {
    db.exec(EVENTS_SCHEMA);
    this.own = new OwnAppends(upcasters);
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    const inline = options.inline === true || db.memory;
    this.ownsWriter = !options.writer && !inline;
    this.writer = options.writer ?? (inline ? null : new SqliteWriter({ file: db.name, synchronous: synchronousOf(db), maxGroup: 1000 }));
    this.inline = this.writer ? null : new WriteGroup(db);
    this.statements = {
      head: db.prepare<[string], { revision: number; hash: string }>(
        'SELECT revision, hash FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1',
      ),
      headPosition: db.prepare<[], { p: number | null }>('SELECT MAX(position) AS p FROM events'),
      atPositions: db.prepare<[string], EventRow>(`SELECT ${COLUMNS} FROM events WHERE position IN (SELECT value FROM json_each(?)) ORDER BY position ASC`).raw(true),
    };
  }

  /**
   * The statement of a read with its limit written in: SQLite (3.53, built with STAT4) lets the
   * planner read a bound LIMIT's value, so a statement whose LIMIT is a parameter is prepared
   * again on every run (4-7 µs each here). One statement per limit instead, the few a process
   * uses kept; no limit, no LIMIT clause.
   */
  private limited<P extends unknown[], R>(sql: string, order: string, limit: number): Statement<P, R> {
    const clause = Number.isFinite(limit) && limit < Number.MAX_SAFE_INTEGER ? ` LIMIT ${Math.max(0, Math.floor(limit))}` : '';
    const text = `${sql} ORDER BY ${order}${clause}`;
    let statement = this.byLimit.get(text);
    if (!statement) {
      if (this.byLimit.size >= 64) this.byLimit.clear();
      statement = this.db.prepare(text).raw(true);
      this.byLimit.set(text, statement);
    }
    return statement as Statement<P, R>;
  }

  /** Events subscriptions took as recorded by this process, and read back from the file (tests, benchmarks). */
  subscriptionStats(): { recorded: number; read: number } {
    return { ...this.delivered };
  }

  /** Group sizes and the writer's thread, for benchmarks and the test that writes leave the main thread. */
  writerStats(): (WriterStats & { threadId: number | null }) | null {
    return this.writer ? { ...this.writer.stats(), threadId: this.writer.threadId } : null;
  }

  /** Claims go to the read store's tables (in this database), in the append's transaction. */
  writeClaimsTo(tables: ClaimTables): void {
    this.claims.writeTo(tables);
  }

  writesClaims(): boolean {
    return this.claims.written;
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision, options: AppendOptions = {}): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const claims = await this.claims.rows(options.claims);
    const op = { kind: 'append', stream, events, expected, ...(claims ? { claims } : {}) } as const;
    let result: AppendOutcome;
    try {
      // Kept for the subscriptions as soon as the group's message arrives: its answers are spread
      // over several turns, and a subscription woken by the first would read the rest back.
      result = this.writer ? await this.writer.submit<AppendOutcome>(op, (outcome) => this.own.remember(stream, events, outcome)) : this.appendInline(op);
    } catch (error) {
      const claim = (error as { code?: unknown }).code === CLAIM_TAKEN ? options.claims?.find((c) => c.id === (error as { id?: unknown }).id) : undefined;
      throw claim ? new ClaimTakenError(claim.collection, claim.id) : error;
    }
    if (result.appended > 0) {
      // Through the writer thread the group was kept when its message arrived (above).
      if (!this.writer) this.own.remember(stream, events, result);
      this.options.onAppended?.(result.appended);
      this.wake();
    }
    return { nextRevision: result.nextRevision, position: result.position, positions: result.positions };
  }

  private appendInline(op: WriterOp): AppendOutcome {
    const [reply] = (this.inline as WriteGroup).commit([{ id: 0, op }]);
    if (reply.ok) return reply.value as AppendOutcome;
    throw toError(reply.error);
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    const rows =
      options.direction === 'backwards'
        ? this.limited<[string, number], EventRow>(BACKWARDS, 'revision DESC', limit).all(stream, options.fromRevision ?? Number.MAX_SAFE_INTEGER)
        : this.limited<[string, number], EventRow>(FORWARDS, 'revision ASC', limit).all(stream, options.fromRevision ?? 0);
    return rows.map((row) => this.toEvent(row, options.raw ?? false));
  }

  async streamRevision(stream: string): Promise<number | null> {
    return this.statements.head.get(stream)?.revision ?? null;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0;
    const limit = options.limit ?? 1000;
    const rows = options.types ? this.rowsOfTypes(options.types, after, options.until ?? Number.MAX_SAFE_INTEGER, limit) : this.limited<[number], EventRow>(ALL, 'position ASC', limit).all(after);
    return rows.map((row) => this.toEvent(row, options.raw ?? false));
  }

  /**
   * The first `limit` events of the given types: each type's next positions from the events_type
   * index (no row is read, nothing is sorted but those positions), merged, then only those rows.
   */
  private rowsOfTypes(types: readonly string[], after: number, until: number, limit: number): EventRow[] {
    const ofType = this.limited<[string, number, number], [number]>(OF_TYPE, 'position ASC', limit);
    const positions: number[] = [];
    for (const type of new Set(types)) for (const [position] of ofType.all(type, after, until)) positions.push(position);
    if (positions.length === 0) return [];
    positions.sort((a, b) => a - b);
    return this.statements.atPositions.all(JSON.stringify(positions.slice(0, limit)));
  }

  /**
   * Events after `after`, live. Those this process appended come as it recorded them; the file is
   * read for the rest: the events before one of this process's that it does not have (another
   * process appended them), and once per poll interval, for appends of other processes. It is not
   * read on every wake: woken by its own group's answer, a subscription would otherwise read the
   * next group's rows back before that group's message (already committed, still in flight) arrived.
   */
  async *subscribeAll(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    let after = options.after ?? 0;
    const batchSize = options.batchSize ?? 500;
    let readAt = -Infinity;
    while (!this.closed && !options.signal?.aborted) {
      const mine = this.own.following(after, batchSize);
      if (mine.length > 0) {
        for (const event of mine) {
          if (options.signal?.aborted) return;
          after = event.position;
          this.delivered.recorded += 1;
          yield event;
        }
        continue;
      }
      const next = this.own.nextAfter(after);
      if (next === null && performance.now() - readAt < this.pollIntervalMs) {
        await this.waitForAppend(options.signal);
        continue;
      }
      readAt = performance.now();
      const rows =
        next === null
          ? this.limited<[number], EventRow>(ALL, 'position ASC', batchSize).all(after)
          : this.limited<[number, number], EventRow>(BEFORE, 'position ASC', batchSize).all(after, next);
      for (const row of rows) {
        if (options.signal?.aborted) return;
        after = row[0];
        this.delivered.read += 1;
        yield this.toEvent(row, false);
      }
      if (rows.length >= batchSize) continue;
      // Every row before this process's next event committed before it (one writer at a time), so
      // the read saw them all: the gap is closed even where the file has no row.
      if (next !== null) after = Math.max(after, next - 1);
      else await this.waitForAppend(options.signal);
    }
  }

  async headPosition(): Promise<number> {
    return this.statements.headPosition.get()?.p ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    if (this.ownsWriter) await this.writer?.close();
  }

  /** Woken at once by appends in this process; polls to notice appends by other processes. */
  private async waitForAppend(signal?: AbortSignal): Promise<void> {
    let wakeUp: () => void = () => undefined;
    const woken = new Promise<void>((resolve) => {
      wakeUp = resolve;
    });
    this.waiters.add(wakeUp);
    const onAbort = () => wakeUp();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([woken, sleep(this.pollIntervalMs, undefined, { ref: false })]);
    } finally {
      this.waiters.delete(wakeUp);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  private toEvent(row: EventRow, raw: boolean): RecordedEvent {
    const event: RecordedEvent = {
      position: row[0],
      eventId: row[1],
      stream: row[2],
      revision: row[3],
      type: row[4],
      data: JSON.parse(row[5]),
      metadata: JSON.parse(row[6]),
      recordedAt: row[7],
    };
    return raw ? event : this.upcasters.upcast(event);
  }
}

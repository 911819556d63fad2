import type { Pool, PoolClient, QueryResult } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { NewEvent, RecordedEvent } from '../../domain/shared/events';
import { UpcasterRegistry } from '../../domain/shared/upcasting';
import { AppendOptions, AppendResult, EventStore, ExpectedRevision, ReadAllOptions, ReadStreamOptions, SubscribeOptions } from '../../ports/event-store.port';
import { ClaimRow, ClaimTables, Claims } from '../claim-tables';
import { InsertColumns, PendingAppend, StoredEventRef, claimKey, idsToLookUp, planBatch } from './postgres-append-plan';
import { APPEND_LOCK, COLUMNS, EventRow, HEADS_AND_STORED, INSERT_AND_NOTIFY, Inlinable, OF_TYPES, claimsLookup, inlined, insertAndNotify, toEvent, translate } from './postgres-event-sql';
import { EVENTS_CHANNEL, PostgresListener } from './postgres-listener';

export interface PostgresEventStoreOptions {
  /** The URL of the pool, for the LISTEN connection; without it subscriptions only poll. */
  readonly url?: string;
  /** Fallback poll of a subscription at the head when no notification came. */
  readonly pollIntervalMs?: number;
  /** Appends gathered into one transaction at most. */
  readonly maxBatch?: number;
  readonly onAppended?: (count: number) => void;
}

/** The event store on PostgreSQL: one table, appends group-committed, reads up to the high-water mark. */
export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres';
  private readonly queue: PendingAppend[] = [];
  private draining = false;
  private readonly waiters = new Set<() => void>();
  private readonly listener: PostgresListener | null;
  private closed = false;
  private readonly readAhead = new Map<string, Promise<RecordedEvent[]>>();
  private readonly claims = new Claims();
  /** The appender's own client: a group never waits for one of the pool. */
  private appendClient: PoolClient | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly upcasters: UpcasterRegistry,
    private readonly options: PostgresEventStoreOptions = {},
  ) {
    this.listener = options.url ? new PostgresListener(options.url, () => this.wake()) : null;
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
    if (this.closed) throw new Error('event store is closed');
    const claims = await this.claims.rows(options.claims);
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ stream, events, expected, ...(claims ? { claims } : {}), resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  /** Group commit: while one transaction commits, the appends that arrive wait for the next. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch ?? 200);
        try {
          await this.commit(batch);
        } catch {
          // One bad append must not fail its neighbours: retry each in its own transaction.
          for (const single of batch) await this.commit([single]).catch((error: unknown) => single.reject(translate(error, single.stream)));
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * One group in two round trips on the appender's own client (never waiting for one of the pool):
   * BEGIN, the append lock and every read the plan needs in one; the inserts with COMMIT in the
   * other. Both go by the simple protocol, which carries several statements but no parameters, so
   * their values are written into the SQL as escaped literals (`inlined`). A round trip costs a turn
   * of the event loop, which a busy server makes long: five per group made each several times slower.
   */
  private async commit(batch: readonly PendingAppend[]): Promise<void> {
    const client = (this.appendClient ??= await this.pool.connect());
    let settle: () => void;
    try {
      settle = await this.commitInTransaction(client, batch);
    } catch (error) {
      // A client whose ROLLBACK fails too has lost its connection: the next group takes another.
      await client.query('ROLLBACK').catch(() => {
        client.release(true);
        if (this.appendClient === client) this.appendClient = null;
      });
      throw error;
    }
    // Answered only once committed, and outside the try: nothing after COMMIT can roll it back.
    settle();
  }

  private async commitInTransaction(client: PoolClient, batch: readonly PendingAppend[]): Promise<() => void> {
    const claimIds = new Map<string, string[]>();
    for (const append of batch) for (const c of append.claims ?? []) claimIds.set(c.table, [...(claimIds.get(c.table) ?? []), c.id]);
    const reads = [
      'BEGIN',
      `SELECT pg_advisory_xact_lock(${APPEND_LOCK})`,
      inlined(HEADS_AND_STORED, [[...new Set(batch.map((a) => a.stream))], idsToLookUp(batch)]),
      ...[...claimIds].map(([table, ids]) => inlined(claimsLookup(table), [ids])),
    ];
    const results = (await client.query(reads.join(';\n'))) as unknown as QueryResult[];
    const known = results[2].rows as { stored: boolean; stream: string; revision: number; hash: string | null; event_id: string | null; position: number | null }[];
    const claimed = new Map<string, unknown>();
    [...claimIds.keys()].forEach((table, i) => {
      for (const row of results[3 + i].rows as { id: string; doc: unknown }[]) claimed.set(claimKey({ table, id: row.id }), row.doc);
    });
    const heads = new Map(known.filter((r) => !r.stored).map((r) => [r.stream, { revision: r.revision, hash: r.hash as string }]));
    const stored = new Map(known.filter((r) => r.stored).map((r) => [r.event_id as string, { stream: r.stream, revision: r.revision, position: r.position as number }]));
    const { outcomes, columns, claims } = planBatch(batch, heads, stored, new Date().toISOString(), claimed);
    const inserted = columns.eventIds.length > 0 || claims.length > 0 ? await this.insertAndCommit(client, columns, claims) : await commitOnly(client);
    return () => {
      let appended = 0;
      outcomes.forEach((outcome, i) => {
        const append = batch[i];
        if (outcome.kind === 'failed') return append.reject(outcome.error);
        const refs = append.events.map((e) => inserted.get(e.eventId) ?? stored.get(e.eventId));
        const ref = refs[refs.length - 1];
        if (!ref) return append.reject(new Error(`event ${outcome.lastEventId} not found after commit`));
        if (outcome.kind === 'insert') appended += outcome.count;
        append.resolve({ nextRevision: ref.revision, position: ref.position, positions: refs.map((r) => r?.position ?? ref.position) });
      });
      if (appended > 0) {
        this.options.onAppended?.(appended);
        this.wake();
      }
    };
  }

  /**
   * Inserts the rows and the new claims and, in the same statement, notifies the listeners of the
   * highest position (delivered at commit); then COMMIT, in the same round trip. A claim another
   * writer stored since it was looked up fails the statement (a unique violation): the batch is
   * then retried append by append.
   */
  private async insertAndCommit(client: PoolClient, c: InsertColumns, claims: readonly ClaimRow[]): Promise<Map<string, StoredEventRef>> {
    const params: Inlinable[] = [c.eventIds, c.streams, c.revisions, c.types, c.data, c.metadata, c.hashes, c.recordedAt, EVENTS_CHANNEL];
    const tables = [...new Set(claims.map((claim) => claim.table))].map((table) => {
      const mine = claims.filter((claim) => claim.table === table);
      params.push(
        mine.map((claim) => claim.id),
        mine.map((claim) => claim.doc),
      );
      return { table, ids: params.length - 1, docs: params.length };
    });
    const sql = inlined(tables.length > 0 ? insertAndNotify(tables) : INSERT_AND_NOTIFY, params);
    const [result] = (await client.query(`${sql};\nCOMMIT`)) as unknown as QueryResult<StoredEventRef & { event_id: string }>[];
    return new Map(result.rows.map((r) => [r.event_id, r]));
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const sql = backwards
      ? `SELECT ${COLUMNS} FROM events WHERE stream = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`
      : `SELECT ${COLUMNS} FROM events WHERE stream = $1 AND revision >= $2 ORDER BY revision ASC LIMIT $3`;
    const from = options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    return this.rows(sql, [stream, from, options.limit ?? null], options.raw ?? false);
  }

  async streamRevision(stream: string): Promise<number | null> {
    const result = await this.pool.query<{ revision: number }>('SELECT max(revision) AS revision FROM events WHERE stream = $1', [stream]);
    return result.rows[0]?.revision ?? null;
  }

  /**
   * Positions are visible in commit order (see APPEND_LOCK), so reading after any seen position
   * skips nothing. A full page starts reading the next one at once (a catch-up or rebuild reads
   * page after page): the server fetches while the caller applies. A prefetched page may end
   * before events committed since, which the next read after it returns.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0;
    const limit = options.limit ?? 1000;
    const raw = options.raw ?? false;
    if (options.types) return this.rows(OF_TYPES, [[...new Set(options.types)], after, options.until ?? Number.MAX_SAFE_INTEGER, limit], raw);
    const key = `${after}:${limit}:${raw}`;
    const ahead = this.readAhead.get(key);
    this.readAhead.delete(key);
    const page = ahead ? await ahead.catch(() => this.page(after, limit, raw)) : await this.page(after, limit, raw);
    if (page.length === limit && !this.closed) {
      const last = page[page.length - 1].position;
      const next = this.page(last, limit, raw);
      next.catch(() => undefined); // a failed prefetch is read again when asked for
      this.readAhead.set(`${last}:${limit}:${raw}`, next);
      // Several projections catch up at once: one prefetch each, and no more than that.
      if (this.readAhead.size > 32) this.readAhead.delete(this.readAhead.keys().next().value as string);
    }
    return page;
  }

  private page(after: number, limit: number, raw: boolean): Promise<RecordedEvent[]> {
    return this.rows(`SELECT ${COLUMNS} FROM events WHERE position > $1 ORDER BY position ASC LIMIT $2`, [after, limit], raw);
  }

  async *subscribeAll(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    let after = options.after ?? 0;
    const batchSize = options.batchSize ?? 500;
    while (!this.closed && !options.signal?.aborted) {
      // Listen before reading, so an append committed between the read and the wait still wakes us.
      await this.listener?.ensure();
      const events = await this.readAll({ after, limit: batchSize });
      for (const event of events) {
        if (options.signal?.aborted) return;
        after = event.position;
        yield event;
      }
      if (events.length < batchSize) await this.waitForAppend(options.signal);
    }
  }

  async headPosition(): Promise<number> {
    const result = await this.pool.query<{ p: number | null }>('SELECT max(position) AS p FROM events');
    return result.rows[0]?.p ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    await Promise.allSettled([...this.readAhead.values()]);
    this.readAhead.clear();
    while (this.draining) await sleep(5);
    this.appendClient?.release();
    this.appendClient = null;
    await this.listener?.close();
  }

  private async rows(sql: string, params: unknown[], raw: boolean): Promise<RecordedEvent[]> {
    const result = await this.pool.query<EventRow>({ text: sql, values: params, rowMode: 'array' });
    return result.rows.map((row) => (raw ? toEvent(row) : this.upcasters.upcast(toEvent(row))));
  }

  private async waitForAppend(signal?: AbortSignal): Promise<void> {
    let wakeUp: () => void = () => undefined;
    const woken = new Promise<void>((resolve) => {
      wakeUp = resolve;
    });
    this.waiters.add(wakeUp);
    const onAbort = () => wakeUp();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([woken, sleep(this.options.pollIntervalMs ?? 1000, undefined, { ref: false })]);
    } finally {
      this.waiters.delete(wakeUp);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** A group that inserts nothing (every append failed, or repeated one stored before) only ends its transaction. */
async function commitOnly(client: PoolClient): Promise<Map<string, StoredEventRef>> {
  await client.query('COMMIT');
  return new Map();
}

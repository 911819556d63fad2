import type { Statement } from 'better-sqlite3';
import { ConcurrencyError } from '../../domain/shared/errors';
import { SqliteAppender } from '../event-store/sqlite-appender';
import { SqliteHandle } from './sqlite-database';
import { InsertRow, WriterError, WriterOp, WriterReply, WriterRequest } from './sqlite-writer.protocol';

/** The error code a fenced write carries across the thread boundary. */
export const FENCED = 'FLYWHEEL_FENCED';
/** The error code of an append whose claim found another document under its id. */
export const CLAIM_TAKEN = 'FLYWHEEL_CLAIM_TAKEN';

/**
 * Whether the operation writes with one statement at most, so needs no savepoint of its own: a
 * single-event append without claims (its checks only read), one statement (a fence is a read
 * before it), one insert-if-absent, a lease (a read, then one upsert).
 */
function singleWrite(op: WriterOp): boolean {
  switch (op.kind) {
    case 'append':
      return op.events.length === 1 && !(op.claims && op.claims.length > 0);
    case 'run':
      return op.statements.length <= 1;
    case 'insertIfAbsent':
    case 'lease':
      return true;
    case 'exec':
      return false;
  }
}

function toWriterError(error: unknown): WriterError {
  if (error instanceof ConcurrencyError) return { kind: 'concurrency', stream: error.stream, expected: error.expected, actual: error.actual };
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return code === CLAIM_TAKEN ? { kind: 'error', message, code, id: (error as { id: string }).id } : { kind: 'error', message, code };
}

/**
 * Commits a group of writes in one IMMEDIATE transaction (one fsync), each in its own savepoint:
 * an operation that fails (a stale expected revision, a constraint) rolls back alone and gets its
 * own error; its neighbours commit. No reply leaves before COMMIT has returned.
 */
export class WriteGroup {
  private appender: SqliteAppender | null = null;
  private readonly statements = new Map<string, Statement>();
  private readonly one;
  private readonly all;

  constructor(private readonly db: SqliteHandle) {
    this.one = db.transaction((op: WriterOp) => this.apply(op));
    this.all = db.transaction((requests: readonly WriterRequest[]) =>
      requests.map((request): WriterReply => {
        try {
          // An operation that writes one statement at most is atomic without a savepoint: a
          // statement that fails undoes its own changes and leaves the transaction open.
          return { id: request.id, ok: true, value: singleWrite(request.op) ? this.apply(request.op) : this.one(request.op) };
        } catch (error) {
          // A table dropped by another connection leaves stale statements behind.
          this.statements.clear();
          // Some errors (disk full, I/O) roll the whole transaction back: then nothing of the
          // group holds, and the group must fail rather than commit its later writes one by one.
          if (!this.db.inTransaction) throw error;
          return { id: request.id, ok: false, error: toWriterError(error) };
        }
      }),
    );
  }

  commit(requests: readonly WriterRequest[]): WriterReply[] {
    try {
      return this.all.immediate(requests);
    } catch (error) {
      // BEGIN (busy past the timeout) or COMMIT failed: nothing of the group is durable.
      this.statements.clear();
      const failure = toWriterError(error);
      return requests.map((request) => ({ id: request.id, ok: false, error: failure }));
    }
  }

  private apply(op: WriterOp): unknown {
    switch (op.kind) {
      case 'append':
        // Claims first: one taken by another document fails the append before it inserts anything.
        for (const claim of op.claims ?? []) {
          const stored = this.insertIfAbsent(claim);
          if (stored !== null && stored !== claim.doc) throw Object.assign(new Error(`claim ${claim.id} in ${claim.table} is taken`), { code: CLAIM_TAKEN, id: claim.id });
        }
        this.appender ??= new SqliteAppender(this.db);
        return this.appender.append(op.stream, op.events, op.expected);
      case 'exec':
        this.db.exec(op.sql);
        this.statements.clear();
        return null;
      case 'run':
        if (op.fence) this.checkFence(op.fence.lease, op.fence.owner);
        for (const s of op.statements) this.statement(s.sql).run(...s.params);
        return null;
      case 'insertIfAbsent':
        return this.insertIfAbsent(op);
      case 'lease': {
        const now = Date.now();
        const row = this.statement('SELECT owner, expires_at FROM leases WHERE name = ?').get(op.name) as { owner: string; expires_at: number } | undefined;
        if (row && row.owner !== op.owner && row.expires_at > now) return false;
        this.statement('INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at').run(op.name, op.owner, now + op.ttlMs);
        return true;
      }
    }
  }

  /** Inserts the row unless its id is taken: null, or the stored document's JSON. */
  private insertIfAbsent(row: InsertRow): string | null {
    if (this.statement(`INSERT INTO ${row.table} (id, doc) VALUES (?, ?) ON CONFLICT(id) DO NOTHING`).run(row.id, row.doc).changes > 0) return null;
    return (this.statement(`SELECT doc FROM ${row.table} WHERE id = ?`).get(row.id) as { doc: string }).doc;
  }

  private checkFence(lease: string, owner: string): void {
    const row = this.statement('SELECT owner, expires_at FROM leases WHERE name = ?').get(lease) as { owner: string; expires_at: number } | undefined;
    if (!row || row.owner !== owner || row.expires_at <= Date.now()) {
      throw Object.assign(new Error(`write refused: ${owner} no longer holds lease ${lease}`), { code: FENCED });
    }
  }

  /** Prepared once per SQL text; DDL (a dropped table) clears the cache. */
  private statement(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}

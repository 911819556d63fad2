import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { Checkpoint, Doc, FencedError, Filter, FindOptions, Page, ReadStore, WriteOp, encodeCursor, fieldValue } from '../../ports/read-store.port';
import { SqlParams, afterCursor, fieldExpr, fullSort, orderBy, whereParts } from './postgres-read-query';
import { inTransaction } from './postgres-pool';
import { READ_MODEL_STORAGE } from './postgres-migrations';
import { WriteStatement, batchStatements } from './postgres-read-writes';

const COLLECTION = /^[A-Za-z0-9_]+$/;
const PREFIX = 'rm_';

function table(collection: string): string {
  if (!COLLECTION.test(collection)) throw new Error(`invalid collection name: ${collection}`);
  return `${PREFIX}${collection.toLowerCase()}`;
}

/** Documents by id in one table, for one caller. */
interface Lookup {
  readonly table: string;
  readonly ids: readonly string[];
  readonly resolve: (docs: Map<string, Doc>) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The documents a lookup asked for, among those its table answered (by id). A document another
 * lookup of the same statement was given already is copied: no caller sees another's changes.
 */
function found(lookup: Lookup, docs: ReadonlyMap<string, Doc>, given: Set<Doc>): Map<string, Doc> {
  const mine = new Map<string, Doc>();
  for (const id of lookup.ids) {
    const doc = docs.get(id);
    if (doc === undefined) continue;
    mine.set(id, given.has(doc) ? structuredClone(doc) : doc);
    given.add(doc);
  }
  return mine;
}

function isMissingTable(error: unknown): boolean {
  return !!error && typeof error === 'object' && 'code' in error && (error as { code: unknown }).code === '42P01';
}

/**
 * Read models on PostgreSQL: one table per collection, each document as JSONB, batches and their
 * checkpoint in one transaction. An upsert carrying a last position replaces the stored document
 * only when the stored one is older (the last-position guard), so a replayed or late write by
 * another instance never overwrites newer state.
 */
export class PostgresReadStore implements ReadStore {
  readonly kind = 'postgres';
  private readonly known = new Set<string>();
  /** Lookups by id issued during this turn of the event loop, sent together at its end. */
  private lookups: Lookup[] = [];

  constructor(private readonly pool: Pool) {}

  private async ensureTable(collection: string, client?: PoolClient): Promise<string> {
    const name = table(collection);
    if (!this.known.has(name)) {
      await (client ?? this.pool).query(`CREATE TABLE IF NOT EXISTS ${name} (id text PRIMARY KEY, doc jsonb NOT NULL) WITH (${READ_MODEL_STORAGE})`).catch((error: unknown) => {
        // Two instances creating the same table at once: the loser sees a duplicate type name.
        if (!(error && typeof error === 'object' && 'code' in error && ['23505', '42P07'].includes(String((error as { code: unknown }).code)))) throw error;
      });
      this.known.add(name);
    }
    return name;
  }

  /** A collection's table, created if missing: where an append's claims in that collection go. */
  tableFor(collection: string): Promise<string> {
    return this.ensureTable(collection);
  }

  /** A query on a collection nobody has written yet answers as if it were empty. */
  private async query<R extends object>(sql: string, params: unknown[], empty: R[]): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (error) {
      if (isMissingTable(error)) return empty;
      throw error;
    }
  }

  async get<T extends Doc>(collection: string, id: string): Promise<T | null> {
    return ((await this.lookup(table(collection), [id])).get(id) as T | undefined) ?? null;
  }

  async getMany<T extends Doc>(collection: string, ids: readonly string[]): Promise<Map<string, T>> {
    if (ids.length === 0) return new Map();
    return (await this.lookup(table(collection), ids)) as Map<string, T>;
  }

  /**
   * Documents by id. The lookups of one turn of the event loop (a prediction's two history reads,
   * the concurrent requests' reads) go out as one statement, one `id = ANY(...)` part per table;
   * each lookup gets the documents it asked for.
   */
  private lookup(name: string, ids: readonly string[]): Promise<Map<string, Doc>> {
    return new Promise((resolve, reject) => {
      if (this.lookups.length === 0) setImmediate(() => void this.sendLookups());
      this.lookups.push({ table: name, ids, resolve, reject });
    });
  }

  /**
   * One statement for `lookups` (those of the turn, by default): a table nobody created yet fails it,
   * so then each table is asked again on its own, and one alone reads as empty.
   */
  private async sendLookups(lookups = this.takeLookups()): Promise<void> {
    const tables = [...new Set(lookups.map((l) => l.table))];
    const ids = tables.map((t) => [...new Set(lookups.filter((l) => l.table === t).flatMap((l) => l.ids))]);
    const sql = tables.map((t, i) => `SELECT ${i} AS t, id, doc FROM ${t} WHERE id = ANY($${i + 1}::text[])`).join(' UNION ALL ');
    let rows: { t: number; id: string; doc: Doc }[];
    try {
      rows = (await this.pool.query<{ t: number; id: string; doc: Doc }>(sql, ids)).rows;
    } catch (error) {
      if (!isMissingTable(error)) return lookups.forEach((l) => l.reject(error as Error));
      if (tables.length > 1) return void (await Promise.all(tables.map((t) => this.sendLookups(lookups.filter((l) => l.table === t)))));
      rows = [];
    }
    const byTable = new Map(tables.map((t) => [t, new Map<string, Doc>()]));
    for (const r of rows) byTable.get(tables[r.t])?.set(r.id, r.doc);
    const given = new Set<Doc>();
    for (const l of lookups) l.resolve(found(l, byTable.get(l.table) ?? new Map(), given));
  }

  private takeLookups(): Lookup[] {
    const lookups = this.lookups;
    this.lookups = [];
    return lookups;
  }

  async find<T extends Doc>(collection: string, options: FindOptions = {}): Promise<Page<T>> {
    const p = new SqlParams();
    const where = whereParts(options.filter, p);
    const sort = fullSort(options.sort);
    if (options.cursor) where.push(afterCursor(options.cursor, sort, p));
    const limit = Math.max(1, Math.min(options.limit ?? 50, 100_000));
    const sql = `SELECT id, doc FROM ${table(collection)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${orderBy(sort)} LIMIT ${limit + 1}`;
    const rows = await this.query<{ id: string; doc: T }>(sql, p.values, []);
    const items = rows.slice(0, limit).map((r) => r.doc);
    const last = rows[items.length - 1];
    const nextCursor = rows.length > limit && last ? encodeCursor(sort.map(([f]) => (f === 'id' ? last.id : (fieldValue(last.doc, f) ?? null)))) : null;
    return { items, nextCursor };
  }

  async count(collection: string, filter?: Filter): Promise<number> {
    const p = new SqlParams();
    const where = whereParts(filter, p);
    const rows = await this.query<{ n: string }>(`SELECT count(*) AS n FROM ${table(collection)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`, p.values, []);
    return Number(rows[0]?.n ?? 0);
  }

  async upsert(collection: string, id: string, doc: Doc): Promise<void> {
    await this.batch([{ kind: 'upsert', collection, id, doc }]);
  }

  async delete(collection: string, id: string): Promise<void> {
    await this.batch([{ kind: 'delete', collection, id }]);
  }

  async insertIfAbsent<T extends Doc>(collection: string, id: string, doc: Doc): Promise<T | null> {
    const name = await this.ensureTable(collection);
    // One statement: the insert, else the row as stored before it. A row a racing call committed
    // after this statement's snapshot is neither inserted nor seen: the next statement sees it.
    for (;;) {
      const { rows } = await this.pool.query<{ inserted: boolean; doc: T }>(
        `WITH ins AS (INSERT INTO ${name} (id, doc) VALUES ($1, $2::jsonb) ON CONFLICT (id) DO NOTHING RETURNING doc)
         SELECT true AS inserted, doc FROM ins UNION ALL SELECT false AS inserted, doc FROM ${name} WHERE id = $1`,
        [id, JSON.stringify(doc)],
      );
      const row = rows.find((r) => r.inserted) ?? rows[0];
      if (row) return row.inserted ? null : row.doc;
    }
  }

  /**
   * A batch of one statement runs on its own (atomic and durable at its commit, one round trip);
   * more run in one transaction. The checkpoint, fenced or not, is the last statement.
   */
  async batch(ops: readonly WriteOp[], checkpoint?: Checkpoint): Promise<void> {
    for (const op of ops) await this.ensureTable(op.collection);
    const statements = batchStatements(ops, checkpoint, table);
    if (statements.length === 0) return;
    try {
      if (statements.length === 1) return await run(this.pool, statements[0]);
      await inTransaction(this.pool, async (client) => {
        for (const statement of statements) await run(client, statement);
      });
    } catch (error) {
      if (isMissingTable(error)) this.known.clear();
      throw error;
    }
  }

  async getCheckpoint(name: string): Promise<number | null> {
    const result = await this.pool.query<{ position: number }>('SELECT position FROM checkpoints WHERE name = $1', [name]);
    return result.rows[0]?.position ?? null;
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const result = await this.pool.query(
      `INSERT INTO leases AS l (name, owner, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE l.owner = excluded.owner OR l.expires_at <= $4
       RETURNING owner`,
      [name, owner, now + ttlMs, now],
    );
    return result.rowCount === 1;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.pool.query('DELETE FROM leases WHERE name = $1 AND owner = $2', [name, owner]);
  }

  async leaseHolder(name: string): Promise<{ owner: string; expiresAt: number } | null> {
    const result = await this.pool.query<{ owner: string; expires_at: number }>('SELECT owner, expires_at FROM leases WHERE name = $1', [name]);
    const row = result.rows[0];
    return row && row.expires_at > Date.now() ? { owner: row.owner, expiresAt: row.expires_at } : null;
  }

  async ensureIndex(collection: string, fields: readonly string[]): Promise<void> {
    const name = await this.ensureTable(collection);
    const indexName = `ix_${createHash('sha1').update(`${name}:${fields.join(',')}`).digest('hex').slice(0, 16)}`;
    await this.pool.query(`CREATE INDEX IF NOT EXISTS ${indexName} ON ${name} (${fields.map((f) => (f === 'id' ? 'id' : fieldExpr(f))).join(', ')})`).catch((error: unknown) => {
      if (!(error && typeof error === 'object' && 'code' in error && ['23505', '42P07'].includes(String((error as { code: unknown }).code)))) throw error;
    });
  }

  async dropCollection(collection: string): Promise<void> {
    const name = table(collection);
    await this.pool.query(`DROP TABLE IF EXISTS ${name}`);
    this.known.delete(name);
  }

  async listCollections(): Promise<string[]> {
    const result = await this.pool.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'rm\\_%' ORDER BY tablename",
    );
    return result.rows.map((r) => r.name.slice(PREFIX.length));
  }

  async close(): Promise<void> {
    this.known.clear();
  }
}

/** A fenced statement that wrote nothing found the lease lost: the batch must not commit. */
async function run(db: Pick<Pool, 'query'>, statement: WriteStatement): Promise<void> {
  const result = await db.query(statement.text, statement.values);
  if (statement.fenced && result.rowCount === 0) throw new FencedError(statement.fenced.lease, statement.fenced.owner);
}

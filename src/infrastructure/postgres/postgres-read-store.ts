import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { Checkpoint, Doc, FencedError, Filter, FindOptions, LAST_POSITION_FIELD, Page, ReadStore, WriteOp, encodeCursor, fieldValue } from '../../ports/read-store.port';
import { SqlParams, afterCursor, fieldExpr, fullSort, orderBy, whereParts } from './postgres-read-query';

const COLLECTION = /^[A-Za-z0-9_]+$/;
const PREFIX = 'rm_';
/** Rows per INSERT statement of a batch: bounded, so one statement never carries a whole rebuild. */
const CHUNK = 500;

function table(collection: string): string {
  if (!COLLECTION.test(collection)) throw new Error(`invalid collection name: ${collection}`);
  return `${PREFIX}${collection.toLowerCase()}`;
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

  constructor(private readonly pool: Pool) {}

  private async ensureTable(collection: string, client?: PoolClient): Promise<string> {
    const name = table(collection);
    if (!this.known.has(name)) {
      await (client ?? this.pool).query(`CREATE TABLE IF NOT EXISTS ${name} (id text PRIMARY KEY, doc jsonb NOT NULL)`).catch((error: unknown) => {
        // Two instances creating the same table at once: the loser sees a duplicate type name.
        if (!(error && typeof error === 'object' && 'code' in error && ['23505', '42P07'].includes(String((error as { code: unknown }).code)))) throw error;
      });
      this.known.add(name);
    }
    return name;
  }

  /** A query on a collection nobody has written yet answers as if it were empty. */
  private async query<R extends object>(sql: string, params: unknown[], empty: R[]): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (error) {
      if (error && typeof error === 'object' && 'code' in error && (error as { code: unknown }).code === '42P01') return empty;
      throw error;
    }
  }

  async get<T extends Doc>(collection: string, id: string): Promise<T | null> {
    const rows = await this.query<{ doc: T }>(`SELECT doc FROM ${table(collection)} WHERE id = $1`, [id], []);
    return rows[0]?.doc ?? null;
  }

  async getMany<T extends Doc>(collection: string, ids: readonly string[]): Promise<Map<string, T>> {
    if (ids.length === 0) return new Map();
    const rows = await this.query<{ id: string; doc: T }>(`SELECT id, doc FROM ${table(collection)} WHERE id = ANY($1::text[])`, [[...ids]], []);
    return new Map(rows.map((r) => [r.id, r.doc]));
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

  async batch(ops: readonly WriteOp[], checkpoint?: Checkpoint): Promise<void> {
    for (const op of ops) await this.ensureTable(op.collection);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      if (checkpoint?.fence) await this.checkFence(client, checkpoint.fence.lease, checkpoint.fence.owner);
      for (const group of runs(ops)) await this.applyRun(client, group);
      if (checkpoint) {
        await client.query(
          'INSERT INTO checkpoints (name, position, updated_at) VALUES ($1, $2, now()) ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
          [checkpoint.name, checkpoint.position],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (error && typeof error === 'object' && 'code' in error && (error as { code: unknown }).code === '42P01') this.known.clear();
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Fencing: the lease row is locked (FOR SHARE) until this transaction ends, so a standby cannot
   * take the lease between the check and the commit, and a leader past its lease writes nothing.
   */
  private async checkFence(client: PoolClient, lease: string, owner: string): Promise<void> {
    const result = await client.query<{ owner: string; expires_at: string }>('SELECT owner, expires_at FROM leases WHERE name = $1 FOR SHARE', [lease]);
    const row = result.rows[0];
    if (!row || row.owner !== owner || Number(row.expires_at) <= Date.now()) throw new FencedError(lease, owner);
  }

  /** Consecutive ops of one kind on one collection, in bounded statements; the last write of an id wins. */
  private async applyRun(client: PoolClient, run: readonly WriteOp[]): Promise<void> {
    const name = table(run[0].collection);
    for (let i = 0; i < run.length; i += CHUNK) {
      const chunk = dedupe(run.slice(i, i + CHUNK));
      if (chunk[0].kind === 'delete') {
        await client.query(`DELETE FROM ${name} WHERE id = ANY($1::text[])`, [chunk.map((o) => o.id)]);
        continue;
      }
      const docs = chunk.map((o) => JSON.stringify(o.kind === 'upsert' ? o.doc : {}));
      await client.query(
        `INSERT INTO ${name} AS t (id, doc) SELECT * FROM unnest($1::text[], $2::jsonb[])
         ON CONFLICT (id) DO UPDATE SET doc = excluded.doc
         WHERE excluded.doc -> '${LAST_POSITION_FIELD}' IS NULL OR t.doc -> '${LAST_POSITION_FIELD}' IS NULL
            OR (t.doc -> '${LAST_POSITION_FIELD}') < (excluded.doc -> '${LAST_POSITION_FIELD}')`,
        [chunk.map((o) => o.id), docs],
      );
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

function runs(ops: readonly WriteOp[]): WriteOp[][] {
  const out: WriteOp[][] = [];
  for (const op of ops) {
    const last = out[out.length - 1];
    if (last && last[0].collection === op.collection && last[0].kind === op.kind) last.push(op);
    else out.push([op]);
  }
  return out;
}

/**
 * One row per id in a statement (ON CONFLICT cannot touch a row twice): the later op wins, unless
 * both carry a last position and the later one is older (the guard applies inside a batch too).
 */
function dedupe(ops: readonly WriteOp[]): WriteOp[] {
  const byId = new Map<string, WriteOp>();
  for (const op of ops) {
    const earlier = byId.get(op.id);
    if (earlier && position(op) !== null && position(earlier) !== null && (position(op) as number) < (position(earlier) as number)) continue;
    byId.delete(op.id);
    byId.set(op.id, op);
  }
  return [...byId.values()];
}

function position(op: WriteOp): number | null {
  const value = op.kind === 'upsert' ? op.doc[LAST_POSITION_FIELD] : undefined;
  return typeof value === 'number' ? value : null;
}

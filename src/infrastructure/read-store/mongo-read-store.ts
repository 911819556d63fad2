import { AnyBulkWriteOperation, Db, Document, MongoBulkWriteError, MongoClient, Sort } from 'mongodb';
import { Checkpoint, Doc, FencedError, LAST_POSITION_FIELD, Filter, FindOptions, Page, ReadStore, WriteOp, decodeCursor, encodeCursor, fieldValue } from '../../ports/read-store.port';
import { InvalidCursorError } from '../../domain/shared/errors';

/** Operations per bulk write: bounded, so one request never carries a whole rebuild. */
const WRITE_CHUNK = 100;

function mongoField(path: string): string {
  return path === 'id' ? '_id' : path;
}

/**
 * Keyset condition "strictly after the cursor". Missing and null sort lowest in MongoDB, so a
 * plain $gt/$lt on a null cursor value would drop every document lacking the field.
 */
function afterCursor(sort: readonly (readonly [string, 1 | -1])[], values: readonly unknown[]): Document {
  const or: Document[] = [];
  for (let i = 0; i < sort.length; i++) {
    const [path, direction] = sort[i];
    const v = values[i] ?? null;
    if (v === null && direction === -1) continue;
    const clause: Document[] = [];
    for (let j = 0; j < i; j++) clause.push({ [mongoField(sort[j][0])]: values[j] ?? null });
    if (v === null) clause.push({ [mongoField(path)]: { $ne: null } });
    else if (direction === 1) clause.push({ [mongoField(path)]: { $gt: v } });
    else clause.push({ $or: [{ [mongoField(path)]: { $lt: v } }, { [mongoField(path)]: null }] });
    or.push({ $and: clause });
  }
  return or.length ? { $or: or } : { _id: { $exists: false } };
}

function runsByCollection(ops: readonly WriteOp[]): WriteOp[][] {
  const out: WriteOp[][] = [];
  for (const op of ops) {
    const last = out[out.length - 1];
    if (last && last[0].collection === op.collection) last.push(op);
    else out.push([op]);
  }
  return out;
}

function toMongoFilter(filter: Filter | undefined): Document {
  const out: Document = {};
  for (const [path, cond] of Object.entries(filter ?? {})) out[path === 'id' ? '_id' : path] = cond;
  return out;
}

/**
 * MongoDB read store. No transactions (they need a replica set): writes carry the last position
 * applied and only replace an older document, and the checkpoint is written after the documents,
 * so a crash in between replays a batch harmlessly.
 */
export class MongoReadStore implements ReadStore {
  readonly kind = 'mongodb';
  private readonly db: Db;

  private constructor(
    private readonly client: MongoClient,
    database?: string,
  ) {
    this.db = client.db(database);
  }

  /** `database` overrides the URI's database (contract runs use a fresh one each). */
  static async connect(uri: string, database?: string): Promise<MongoReadStore> {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
    await client.connect();
    return new MongoReadStore(client, database);
  }

  /** Drop the whole database: only for disposable (test) databases. */
  async dropDatabase(): Promise<void> {
    await this.db.dropDatabase();
  }

  private strip<T extends Doc>(doc: Document | null): T | null {
    if (!doc) return null;
    const { _id: _omit, ...rest } = doc;
    return rest as T;
  }

  async get<T extends Doc>(collection: string, id: string): Promise<T | null> {
    return this.strip<T>(await this.db.collection(collection).findOne({ _id: id as never }));
  }

  async getMany<T extends Doc>(collection: string, ids: readonly string[]): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    if (ids.length === 0) return out;
    const docs = await this.db.collection(collection).find({ _id: { $in: [...ids] as never[] } }).toArray();
    for (const d of docs) out.set(String(d._id), this.strip<T>(d) as T);
    return out;
  }

  async find<T extends Doc>(collection: string, options: FindOptions = {}): Promise<Page<T>> {
    const sort = [...(options.sort ?? []).filter(([f]) => f !== 'id'), ['id', 1] as const];
    const filter = toMongoFilter(options.filter);
    if (options.cursor) {
      const values = decodeCursor(options.cursor);
      if (!values || values.length !== sort.length) throw new InvalidCursorError();
      filter.$and = [...((filter.$and as Document[]) ?? []), afterCursor(sort, values)];
    }
    const limit = Math.max(1, Math.min(options.limit ?? 50, 100_000));
    const mongoSort: Sort = Object.fromEntries(sort.map(([f, d]) => [f === 'id' ? '_id' : f, d]));
    const docs = await this.db.collection(collection).find(filter).sort(mongoSort).limit(limit + 1).toArray();
    const items = docs.slice(0, limit).map((d) => this.strip<T>(d) as T);
    const last = items[items.length - 1];
    const lastId = docs[items.length - 1]?._id;
    const nextCursor = docs.length > limit && last ? encodeCursor(sort.map(([f]) => (f === 'id' ? lastId : (fieldValue(last, f) ?? null)))) : null;
    return { items, nextCursor };
  }

  async count(collection: string, filter?: Filter): Promise<number> {
    return this.db.collection(collection).countDocuments(toMongoFilter(filter));
  }

  async upsert(collection: string, id: string, doc: Doc): Promise<void> {
    await this.batch([{ kind: 'upsert', collection, id, doc }]);
  }

  /** An insert colliding on _id leaves the stored document as it is: that one is answered. */
  async insertIfAbsent<T extends Doc>(collection: string, id: string, doc: Doc): Promise<T | null> {
    for (;;) {
      try {
        await this.db.collection(collection).insertOne({ ...doc, _id: id as never });
        return null;
      } catch (error) {
        if (!(error && typeof error === 'object' && 'code' in error && error.code === 11000)) throw error;
      }
      const stored = await this.get<T>(collection, id);
      if (stored) return stored; // else it was deleted since: insert again
    }
  }

  async delete(collection: string, id: string): Promise<void> {
    await this.batch([{ kind: 'delete', collection, id }]);
  }

  /**
   * Writes in bounded bulk writes, each upsert guarded explicitly: the stored positions are read
   * first and stale documents dropped, and the filter still requires an older (or no) stored
   * position, so a write racing a newer one from another instance matches nothing and its upsert
   * collides on _id (E11000), which is then that document's stale outcome, never its neighbours'.
   */
  async batch(ops: readonly WriteOp[], checkpoint?: Checkpoint): Promise<void> {
    // Without a replica-set transaction the lease is checked before the writes, not with them: a
    // leader that loses its lease between the check and the writes can still write that one batch
    // (the last-position guard then keeps newer documents). The SQL stores check in the transaction.
    if (checkpoint?.fence) {
      const holder = await this.leaseHolder(checkpoint.fence.lease);
      if (holder?.owner !== checkpoint.fence.owner) throw new FencedError(checkpoint.fence.lease, checkpoint.fence.owner);
    }
    for (const run of runsByCollection(ops)) {
      for (let i = 0; i < run.length; i += WRITE_CHUNK) await this.writeChunk(run[0].collection, run.slice(i, i + WRITE_CHUNK));
    }
    if (checkpoint) {
      await this.db
        .collection('checkpoints')
        .updateOne({ _id: checkpoint.name as never }, { $set: { position: checkpoint.position, updatedAt: new Date().toISOString() } }, { upsert: true });
    }
  }

  private async writeChunk(collection: string, chunk: readonly WriteOp[]): Promise<void> {
    const guarded = chunk.filter((op) => op.kind === 'upsert' && typeof op.doc[LAST_POSITION_FIELD] === 'number').map((op) => op.id);
    const stored = new Map<string, number>();
    if (guarded.length > 0) {
      const docs = await this.db.collection(collection).find({ _id: { $in: guarded as never[] } }, { projection: { [LAST_POSITION_FIELD]: 1 } }).toArray();
      for (const d of docs) if (typeof d[LAST_POSITION_FIELD] === 'number') stored.set(String(d._id), d[LAST_POSITION_FIELD] as number);
    }
    const list: AnyBulkWriteOperation[] = [];
    const origin: number[] = []; // chunk index of each bulk operation (stale upserts are left out)
    for (const [index, op] of chunk.entries()) {
      if (op.kind === 'delete') {
        list.push({ deleteOne: { filter: { _id: op.id as never } } });
        origin.push(index);
        stored.delete(op.id);
        continue;
      }
      const position = op.doc[LAST_POSITION_FIELD];
      if (typeof position !== 'number') {
        list.push({ replaceOne: { filter: { _id: op.id as never }, replacement: op.doc, upsert: true } });
        origin.push(index);
        continue;
      }
      const current = stored.get(op.id);
      if (current !== undefined && current >= position) continue; // stale: a newer version is stored
      stored.set(op.id, position);
      const guard = { $or: [{ [LAST_POSITION_FIELD]: { $lt: position } }, { [LAST_POSITION_FIELD]: { $exists: false } }] };
      list.push({ replaceOne: { filter: { _id: op.id as never, ...guard }, replacement: op.doc, upsert: true } });
      origin.push(index);
    }
    if (list.length === 0) return;
    try {
      await this.db.collection(collection).bulkWrite(list, { ordered: true });
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      if (errors.some((e) => e.code !== 11000)) throw error;
      // Ordered: the writes after the collision did not run; apply them (the guard still holds).
      const failedAt = Math.min(...errors.map((e) => e.index));
      await this.writeChunk(collection, chunk.slice(origin[failedAt] + 1));
    }
  }

  async getCheckpoint(name: string): Promise<number | null> {
    const doc = await this.db.collection('checkpoints').findOne({ _id: name as never });
    return doc ? Number(doc.position) : null;
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    try {
      const filter = { _id: name as never, $or: [{ owner }, { expiresAt: { $lte: now } }] };
      const result = await this.db.collection('leases').findOneAndUpdate(filter, { $set: { owner, expiresAt: now + ttlMs } }, { upsert: true, returnDocument: 'after' });
      return result?.owner === owner;
    } catch (error) {
      // Upsert raced an unexpired lease of someone else: duplicate _id.
      if (error instanceof Error && 'code' in error && (error as { code: unknown }).code === 11000) return false;
      throw error;
    }
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.db.collection('leases').deleteOne({ _id: name as never, owner });
  }

  async leaseHolder(name: string): Promise<{ owner: string; expiresAt: number } | null> {
    const doc = await this.db.collection('leases').findOne({ _id: name as never });
    return doc && Number(doc.expiresAt) > Date.now() ? { owner: String(doc.owner), expiresAt: Number(doc.expiresAt) } : null;
  }

  async ensureIndex(collection: string, fields: readonly string[]): Promise<void> {
    await this.db.collection(collection).createIndex(Object.fromEntries(fields.map((f) => [f, 1])));
  }

  async dropCollection(collection: string): Promise<void> {
    await this.db.collection(collection).drop().catch(() => undefined);
  }

  async listCollections(): Promise<string[]> {
    const list = await this.db.listCollections({}, { nameOnly: true }).toArray();
    return list.map((c) => c.name).filter((n) => n !== 'checkpoints' && n !== 'leases').sort();
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

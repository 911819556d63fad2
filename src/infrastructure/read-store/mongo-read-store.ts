import { AnyBulkWriteOperation, Db, Document, MongoBulkWriteError, MongoClient, Sort } from 'mongodb';
import { Checkpoint, Doc, LAST_POSITION_FIELD, Filter, FindOptions, Page, ReadStore, WriteOp, decodeCursor, encodeCursor, fieldValue } from './read-store.port';
import { ValidationError } from '../../domain/shared/errors';


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

  private constructor(private readonly client: MongoClient) {
    this.db = client.db();
  }

  static async connect(uri: string): Promise<MongoReadStore> {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
    await client.connect();
    return new MongoReadStore(client);
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
      if (!values || values.length !== sort.length) throw new ValidationError('cursor is not a cursor returned by this list', { fields: { cursor: ['invalid cursor'] } });
      const or: Document[] = sort.map((_, i) => {
        const clause: Document = {};
        for (let j = 0; j < i; j++) clause[sort[j][0] === 'id' ? '_id' : sort[j][0]] = values[j];
        clause[sort[i][0] === 'id' ? '_id' : sort[i][0]] = { [sort[i][1] === 1 ? '$gt' : '$lt']: values[i] };
        return clause;
      });
      filter.$and = [...((filter.$and as Document[]) ?? []), { $or: or }];
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

  async delete(collection: string, id: string): Promise<void> {
    await this.batch([{ kind: 'delete', collection, id }]);
  }

  async batch(ops: readonly WriteOp[], checkpoint?: Checkpoint): Promise<void> {
    const byCollection = new Map<string, AnyBulkWriteOperation[]>();
    for (const op of ops) {
      const list = byCollection.get(op.collection) ?? [];
      if (op.kind === 'delete') list.push({ deleteOne: { filter: { _id: op.id as never } } });
      else {
        const position = op.doc[LAST_POSITION_FIELD];
        const guard = typeof position === 'number' ? { $or: [{ [LAST_POSITION_FIELD]: { $lt: position } }, { [LAST_POSITION_FIELD]: { $exists: false } }] } : {};
        list.push({ replaceOne: { filter: { _id: op.id as never, ...guard }, replacement: op.doc, upsert: true } });
      }
      byCollection.set(op.collection, list);
    }
    for (const [collection, list] of byCollection) {
      try {
        await this.db.collection(collection).bulkWrite(list, { ordered: false });
      } catch (error) {
        // A duplicate key here means a newer version of the document is already stored.
        if (!(error instanceof MongoBulkWriteError) || error.writeErrors instanceof Array === false) throw error;
        const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
        if (errors.some((e) => e.code !== 11000)) throw error;
      }
    }
    if (checkpoint) {
      await this.db
        .collection('checkpoints')
        .updateOne({ _id: checkpoint.name as never }, { $set: { position: checkpoint.position, updatedAt: new Date().toISOString() } }, { upsert: true });
    }
  }

  async getCheckpoint(name: string): Promise<number | null> {
    const doc = await this.db.collection('checkpoints').findOne({ _id: name as never });
    return doc ? Number(doc.position) : null;
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    try {
      const result = await this.db
        .collection('leases')
        .findOneAndUpdate(
          { _id: name as never, $or: [{ owner }, { expiresAt: { $lte: now } }] },
          { $set: { owner, expiresAt: now + ttlMs } },
          { upsert: true, returnDocument: 'after' },
        );
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

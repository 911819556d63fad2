export const READ_STORE = Symbol('READ_STORE');

export type Scalar = string | number | boolean | null;

/** Equality, range and `$in` on top-level or dotted fields. */
export type FieldCondition =
  | Scalar
  | { $in: readonly Scalar[] }
  | { $ne?: Scalar; $gt?: Scalar; $gte?: Scalar; $lt?: Scalar; $lte?: Scalar };

export type Filter = Readonly<Record<string, FieldCondition>>;

export type SortSpec = readonly (readonly [field: string, direction: 1 | -1])[];

export interface FindOptions {
  readonly filter?: Filter;
  /** The document id is always the final tie-breaker, so cursors are stable. */
  readonly sort?: SortSpec;
  readonly limit?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  readonly cursor?: string | null;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export type Doc = Record<string, unknown>;

export type WriteOp =
  | { readonly kind: 'upsert'; readonly collection: string; readonly id: string; readonly doc: Doc }
  | { readonly kind: 'delete'; readonly collection: string; readonly id: string };

/** Projected documents carry the last log position applied to them (an idempotency guard). */
export const LAST_POSITION_FIELD = '_lastPosition';

export interface Checkpoint {
  readonly name: string;
  readonly position: number;
  /**
   * Fencing: write only while `owner` holds the unexpired lease `lease`, checked in the same
   * transaction, so a paused leader that lost its lease cannot write (throws FencedError).
   */
  readonly fence?: { readonly lease: string; readonly owner: string };
}

/** A fenced write refused: the writer no longer holds its lease. */
export class FencedError extends Error {
  constructor(lease: string, owner: string) {
    super(`write refused: ${owner} no longer holds lease ${lease}`);
    this.name = 'FencedError';
  }
}

/** Named collections of JSON documents keyed by id. */
export interface ReadStore {
  readonly kind: string;
  get<T extends Doc>(collection: string, id: string): Promise<T | null>;
  getMany<T extends Doc>(collection: string, ids: readonly string[]): Promise<Map<string, T>>;
  find<T extends Doc>(collection: string, options?: FindOptions): Promise<Page<T>>;
  count(collection: string, filter?: Filter): Promise<number>;
  upsert(collection: string, id: string, doc: Doc): Promise<void>;
  /**
   * Stores `doc` under `id` only if no document has that id, atomically and durably: null when this
   * call stored it, else the stored document, left unchanged (of racing calls, exactly one stores).
   */
  insertIfAbsent<T extends Doc>(collection: string, id: string, doc: Doc): Promise<T | null>;
  delete(collection: string, id: string): Promise<void>;
  /**
   * Apply writes and, when given, the checkpoint together. On SQLite in one transaction; on
   * MongoDB in order (documents carry the last position applied, so a replay is harmless).
   */
  batch(ops: readonly WriteOp[], checkpoint?: Checkpoint): Promise<void>;
  getCheckpoint(name: string): Promise<number | null>;
  /**
   * Take or renew a named lease atomically: true when `owner` now holds it until now + ttl.
   * Keeps the server's runners and a CLI rebuild from working on the same projection at once.
   */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;
  leaseHolder(name: string): Promise<{ owner: string; expiresAt: number } | null>;
  ensureIndex(collection: string, fields: readonly string[]): Promise<void>;
  dropCollection(collection: string): Promise<void>;
  listCollections(): Promise<string[]>;
  close(): Promise<void>;
}

/** What a whole-collection read matches and in which order (the pages' size and cursors are its own). */
export type CollectionQuery = Pick<FindOptions, 'filter' | 'sort'>;

/** Documents per read of a whole-collection read unless the caller says otherwise. */
export const COLLECTION_PAGE = 1000;

/**
 * Every page of a paged read, one bounded read at a time, following `nextCursor` until the last;
 * the next page is read only when the previous one has been taken (memory stays one page).
 */
export async function* pagesOf<T>(read: (cursor: string | null) => Promise<Page<T>>): AsyncGenerator<T[]> {
  let cursor: string | null = null;
  do {
    const page: Page<T> = await read(cursor);
    if (page.items.length > 0) yield page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

/** The pages of every document of `collection` the query matches, in its order, `pageSize` a read. */
export function allPages<T extends Doc>(store: Pick<ReadStore, 'find'>, collection: string, query: CollectionQuery = {}, pageSize = COLLECTION_PAGE): AsyncGenerator<T[]> {
  return pagesOf((cursor) => store.find<T>(collection, { ...query, limit: pageSize, cursor }));
}

/** Every document of `collection` the query matches, in its order, read `pageSize` at a time. */
export async function* allDocs<T extends Doc>(store: Pick<ReadStore, 'find'>, collection: string, query: CollectionQuery = {}, pageSize = COLLECTION_PAGE): AsyncGenerator<T> {
  for await (const page of allPages<T>(store, collection, query, pageSize)) yield* page;
}

/** Everything an async iterable yields, in an array (for the callers that need the whole list at once). */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string): unknown[] | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A cursor holds the sort keys of the last row: scalars only. Anything nested is not one of ours
    // and must never reach a query as a bound parameter.
    const scalar = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
    return Array.isArray(parsed) && parsed.every(scalar) ? parsed : null;
  } catch {
    return null;
  }
}

/** Read a dotted path from a document (used for cursors and in-memory checks). */
export function fieldValue(doc: Doc, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

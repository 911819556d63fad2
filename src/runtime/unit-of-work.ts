import { RecordedEvent } from '../domain/shared/events';
import { Doc, LAST_POSITION_FIELD, ReadStore, WriteOp } from '../ports/read-store.port';
import { DocumentCache } from './document-cache';
import { ProjectionView } from './projection';

interface Entry {
  doc: Doc | null;
  /** Last log position applied to the document (stored as LAST_POSITION_FIELD). */
  position: number;
  dirty: boolean;
}

function loaded(stored: Doc | null): Entry {
  if (!stored) return { doc: null, position: -1, dirty: false };
  const { [LAST_POSITION_FIELD]: position, ...doc } = stored;
  return { doc, position: Number(position ?? -1), dirty: false };
}

/**
 * Collects one batch's document changes in memory. A document remembers the last position applied
 * to it; an event at or below it has already been applied (a replay after a crash) and is skipped.
 * Projections are pure and never mutate what `get` returns, so documents are not copied.
 */
export class UnitOfWork implements ProjectionView {
  private readonly tables = new Map<string, Map<string, Entry>>();
  private position = 0;

  constructor(
    private readonly store: ReadStore,
    private readonly physical: ReadonlyMap<string, string>,
    /** Documents as the track's last committed batches left them: read from here, not the store. */
    private readonly cache?: DocumentCache,
  ) {}

  /** The view for applying `event`: the same object, positioned at the event. */
  viewFor(event: RecordedEvent): ProjectionView {
    this.position = event.position;
    return this;
  }

  private entries(collection: string): Map<string, Entry> {
    let entries = this.tables.get(collection);
    if (!entries) {
      if (!this.physical.has(collection)) throw new Error(`projection used a collection it does not own: ${collection}`);
      entries = new Map();
      this.tables.set(collection, entries);
    }
    return entries;
  }

  private async load(collection: string, id: string): Promise<Entry> {
    const entries = this.entries(collection);
    let entry = entries.get(id) ?? this.cached(collection, id);
    if (!entry) {
      entry = loaded(await this.store.get(this.physical.get(collection) as string, id));
      entries.set(id, entry);
    }
    return entry;
  }

  /** The cached document, taken into this batch (undefined: not cached). */
  private cached(collection: string, id: string): Entry | undefined {
    const hit = this.cache?.get(collection, id);
    if (!hit) return undefined;
    const entry = { doc: hit.doc, position: hit.position, dirty: false };
    this.entries(collection).set(id, entry);
    return entry;
  }

  /** Loads the documents not loaded yet, one read per collection (`getMany`). */
  async preload(pairs: Iterable<readonly [string, string]>): Promise<void> {
    const wanted = new Map<string, Set<string>>();
    for (const [collection, id] of pairs) {
      if (this.entries(collection).has(id) || this.cached(collection, id)) continue;
      let ids = wanted.get(collection);
      if (!ids) wanted.set(collection, (ids = new Set()));
      ids.add(id);
    }
    // One collection after another: a batch holds one pooled connection at a time, as its
    // document-by-document reads did, and leaves the others to requests.
    for (const [collection, ids] of wanted) {
      const found = await this.store.getMany(this.physical.get(collection) as string, [...ids]);
      const entries = this.entries(collection);
      for (const id of ids) if (!entries.has(id)) entries.set(id, loaded(found.get(id) ?? null));
    }
  }

  peek<T extends Doc>(collection: string, id: string): T | null | undefined {
    const entry = this.entries(collection).get(id);
    return entry ? (entry.doc as T | null) : undefined;
  }

  async get<T extends Doc>(collection: string, id: string): Promise<T | null> {
    return (await this.load(collection, id)).doc as T | null;
  }

  put(collection: string, id: string, doc: Doc): void {
    const entries = this.entries(collection);
    const entry = entries.get(id);
    if (entry && entry.position >= this.position) return;
    if (entry) {
      entry.doc = doc;
      entry.position = this.position;
      entry.dirty = true;
    } else {
      entries.set(id, { doc, position: this.position, dirty: true });
    }
  }

  remove(collection: string, id: string): void {
    const entries = this.entries(collection);
    entries.set(id, { doc: null, position: this.position, dirty: true });
  }

  /** After the batch committed: every document it read or wrote, as the store now holds it, into the track's cache. */
  remember(): void {
    if (!this.cache) return;
    for (const [collection, entries] of this.tables) {
      for (const [id, entry] of entries) this.cache.set(collection, id, { doc: entry.doc, position: entry.position });
    }
  }

  ops(): WriteOp[] {
    const ops: WriteOp[] = [];
    for (const [collection, entries] of this.tables) {
      const table = this.physical.get(collection) as string;
      for (const [id, entry] of entries) {
        if (!entry.dirty) continue;
        ops.push(entry.doc === null ? { kind: 'delete', collection: table, id } : { kind: 'upsert', collection: table, id, doc: { ...entry.doc, [LAST_POSITION_FIELD]: entry.position } });
      }
    }
    return ops;
  }
}

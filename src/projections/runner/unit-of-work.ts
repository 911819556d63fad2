import { RecordedEvent } from '../../domain/shared/events';
import { Doc, LAST_POSITION_FIELD, ReadStore, WriteOp } from '../../infrastructure/read-store/read-store.port';
import { ProjectionView } from './projection';

/**
 * Collects one batch's document changes in memory. A document remembers the last position applied
 * to it; an event at or below it has already been applied (a replay after a crash) and is skipped.
 */
export class UnitOfWork {
  private readonly cache = new Map<string, Doc | null>();
  private readonly dirty = new Map<string, WriteOp>();

  constructor(
    private readonly store: ReadStore,
    private readonly physical: ReadonlyMap<string, string>,
  ) {}

  private table(collection: string): string {
    const name = this.physical.get(collection);
    if (!name) throw new Error(`projection wrote to a collection it does not own: ${collection}`);
    return name;
  }

  viewFor(event: RecordedEvent): ProjectionView {
    return {
      get: async <T extends Doc>(collection: string, id: string): Promise<T | null> => {
        const key = `${this.table(collection)}\u0000${id}`;
        if (!this.cache.has(key)) this.cache.set(key, await this.store.get(this.table(collection), id));
        const doc = this.cache.get(key) ?? null;
        if (!doc) return null;
        const { [LAST_POSITION_FIELD]: _pos, ...rest } = doc;
        return rest as T;
      },
      put: (collection, id, doc) => {
        const table = this.table(collection);
        const key = `${table}\u0000${id}`;
        const previous = this.cache.get(key);
        if (previous && Number(previous[LAST_POSITION_FIELD] ?? -1) >= event.position) return;
        const stored = { ...doc, [LAST_POSITION_FIELD]: event.position };
        this.cache.set(key, stored);
        this.dirty.set(key, { kind: 'upsert', collection: table, id, doc: stored });
      },
      remove: (collection, id) => {
        const table = this.table(collection);
        const key = `${table}\u0000${id}`;
        this.cache.set(key, null);
        this.dirty.set(key, { kind: 'delete', collection: table, id });
      },
    };
  }

  ops(): WriteOp[] {
    return [...this.dirty.values()];
  }
}

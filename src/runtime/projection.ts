import { RecordedEvent } from '../domain/shared/events';
import { Doc } from '../ports/read-store.port';

/** What a projection sees while applying one event: documents of its own collections. */
export interface ProjectionView {
  get<T extends Doc>(collection: string, id: string): Promise<T | null>;
  /** The document if this batch already loaded it (`undefined` when not loaded): lets hot paths stay synchronous. */
  peek?<T extends Doc>(collection: string, id: string): T | null | undefined;
  put(collection: string, id: string, doc: Doc): void;
  remove(collection: string, id: string): void;
}

/**
 * A read model definition. `collections` are logical names; the runner maps them to versioned
 * physical collections so a rebuild can build the next version beside the live one.
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  readonly collections: readonly string[];
  readonly indexes?: Readonly<Record<string, readonly (readonly string[])[]>>;
  readonly eventTypes: readonly string[];
  apply(event: RecordedEvent, view: ProjectionView): Promise<void> | void;
  /**
   * The documents `apply` will read for this event, as [collection, id] pairs: the runner loads a
   * whole batch's in one read per collection before applying it (a read it misses is still made).
   */
  prefetch?(event: RecordedEvent): ReadonlyArray<readonly [string, string]>;
}

/**
 * The common case as a pure function: one document per key, `evolve(doc, event) => doc | null`
 * (null deletes). The runner owns I/O, batching and idempotency.
 */
export function documentProjection<D extends Doc>(spec: {
  name: string;
  version: number;
  collection: string;
  indexes?: readonly (readonly string[])[];
  eventTypes: readonly string[];
  key: (event: RecordedEvent) => string | null;
  evolve: (doc: D | null, event: RecordedEvent) => D | null;
}): Projection {
  return {
    name: spec.name,
    version: spec.version,
    collections: [spec.collection],
    indexes: spec.indexes ? { [spec.collection]: spec.indexes } : undefined,
    eventTypes: spec.eventTypes,
    prefetch(event) {
      const id = spec.key(event);
      return id === null ? [] : [[spec.collection, id]];
    },
    apply(event, view) {
      const id = spec.key(event);
      if (id === null) return;
      const write = (doc: D | null) => {
        const next = spec.evolve(doc, event);
        // The same document back: the event changed nothing, so nothing is written (evolve is pure
        // and never edits the document it was given).
        if (next === doc) return;
        if (next === null) view.remove(spec.collection, id);
        else view.put(spec.collection, id, next);
      };
      const cached = view.peek?.<D>(spec.collection, id);
      if (cached !== undefined) return write(cached);
      return view.get<D>(spec.collection, id).then(write);
    },
  };
}

import { ReadStore } from '../ports/read-store.port';
import { Projection } from './projection';

export const CATALOG_COLLECTION = 'projection_catalog';

export interface Generation {
  readonly version: number;
  readonly generation: number;
}

/** The durable state of one projection: which generation serves queries, which one is building. */
export interface ProjectionState extends Record<string, unknown> {
  readonly name: string;
  readonly active: Generation | null;
  readonly building: (Generation & { readonly startedAt: string }) | null;
  readonly rebuildRequestedAt: string | null;
  readonly lastRebuild: { readonly at: string; readonly events: number; readonly seconds: number } | null;
}

export function physicalName(collection: string, g: Generation): string {
  return `${collection}__v${g.version}_g${g.generation}`;
}

export function checkpointName(projection: string, g: Generation): string {
  return `projection:${projection}:v${g.version}_g${g.generation}`;
}

/**
 * Maps logical collections to the physical ones queries should read. Read on every query (a
 * primary-key lookup), so a switch made by another process is seen at once; lookups that arrive
 * while a read of the same projection's state is in flight share it (on PostgreSQL each read is a
 * round trip), and nothing is kept once it returned.
 */
export class ProjectionCatalog {
  private readonly owners = new Map<string, Projection>();
  /** Reads of a projection's state in flight, shared by the lookups that arrive meanwhile. */
  private readonly reading = new Map<string, Promise<ProjectionState | null>>();

  constructor(private readonly store: ReadStore) {}

  register(projection: Projection): void {
    for (const c of projection.collections) {
      const owner = this.owners.get(c);
      if (owner && owner.name !== projection.name) throw new Error(`collection ${c} is owned by ${owner.name}`);
      this.owners.set(c, projection);
    }
  }

  state(name: string): Promise<ProjectionState | null> {
    const shared = this.reading.get(name);
    if (shared) return shared;
    const read = this.store.get<ProjectionState>(CATALOG_COLLECTION, name).finally(() => {
      if (this.reading.get(name) === read) this.reading.delete(name);
    });
    this.reading.set(name, read);
    return read;
  }

  async save(state: ProjectionState): Promise<void> {
    await this.store.upsert(CATALOG_COLLECTION, state.name, state);
    // A read that started before the save must not answer a lookup made after it.
    this.reading.delete(state.name);
  }

  /** The physical collection that answers queries for a logical one. */
  async collection(logical: string): Promise<string> {
    const owner = this.owners.get(logical);
    if (!owner) throw new Error(`no projection owns collection ${logical}`);
    const state = await this.state(owner.name);
    return physicalName(logical, state?.active ?? { version: owner.version, generation: 1 });
  }
}

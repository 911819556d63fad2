import { Clock } from '../domain/shared/clock';
import { ReadStore } from '../ports/read-store.port';

export const PARKED_COLLECTION = 'runtime_parked';
/** Events ops skipped, per handler: a rebuild of the same projection skips them again. */
export const SKIPPED_COLLECTION = 'runtime_skipped';

export type ParkDecision = 'retry' | 'skip';

/** An event a handler failed on repeatedly: the handler stops there until ops decides. */
export interface ParkedEvent extends Record<string, unknown> {
  readonly handler: string;
  readonly position: number;
  readonly event_type: string;
  readonly error: string;
  readonly attempts: number;
  readonly parked_at: string;
  /** Set by ops; the runner holding the lease acts on it and removes the entry. */
  readonly decision: ParkDecision | null;
}

function key(handler: string, position: number): string {
  return `${handler}@${position}`;
}

/**
 * Parked events live in the shared read store, so every instance (leader, standbys, the CLI) sees
 * the same list and an ops decision reaches whichever instance runs the handler.
 */
export class ParkingLot {
  constructor(
    private readonly store: ReadStore,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates both collections (with the indexes `list` and the lookups use) before a runner's first
   * event: every event a handler takes is looked up in both, and a lookup in a collection not
   * created yet asked the store's catalog each time (SQLite: a query of sqlite_master per lookup).
   */
  async prepare(): Promise<void> {
    await this.store.ensureIndex(PARKED_COLLECTION, ['handler', 'position']);
    await this.store.ensureIndex(SKIPPED_COLLECTION, ['handler']);
  }

  async park(entry: { handler: string; position: number; event_type: string; error: string; attempts: number }): Promise<ParkedEvent> {
    const parked: ParkedEvent = { ...entry, parked_at: this.clock.now().toISOString(), decision: null };
    await this.store.upsert(PARKED_COLLECTION, key(entry.handler, entry.position), parked);
    return parked;
  }

  async get(handler: string, position: number): Promise<ParkedEvent | null> {
    return this.store.get<ParkedEvent>(PARKED_COLLECTION, key(handler, position));
  }

  async list(handler?: string): Promise<ParkedEvent[]> {
    const page = await this.store.find<ParkedEvent>(PARKED_COLLECTION, { filter: handler ? { handler } : {}, sort: [['position', 1]], limit: 1000 });
    return page.items;
  }

  /** Records ops' decision; false when nothing is parked there (or it was already decided). */
  async decide(handler: string, position: number, decision: ParkDecision): Promise<boolean> {
    const parked = await this.get(handler, position);
    if (!parked || parked.decision !== null) return false;
    await this.store.upsert(PARKED_COLLECTION, key(handler, position), { ...parked, decision });
    return true;
  }

  async recordSkip(parked: ParkedEvent): Promise<void> {
    await this.store.upsert(SKIPPED_COLLECTION, key(parked.handler, parked.position), { ...parked, skipped_at: this.clock.now().toISOString() });
  }

  async wasSkipped(handler: string, position: number): Promise<boolean> {
    return (await this.store.get(SKIPPED_COLLECTION, key(handler, position))) !== null;
  }

  async release(handler: string, position: number): Promise<void> {
    await this.store.delete(PARKED_COLLECTION, key(handler, position));
  }
}

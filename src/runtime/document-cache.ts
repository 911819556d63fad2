import { Doc } from '../ports/read-store.port';

/** A document as a committed batch left it, with the last log position applied to it (null: none stored). */
export interface CachedDocument {
  readonly doc: Doc | null;
  readonly position: number;
}

/** Documents one track keeps in memory by default (least recently used dropped first). */
export const TRACK_DOCUMENTS = 2000;

/**
 * The documents a projection track read or wrote, as its last committed batches left them, so the
 * next batch on the same documents does not read them back from the store. Safe because a track is
 * the only writer of its generation's tables while it runs (every batch is fenced by the runner
 * lease, and a new leadership term or generation starts a new track with an empty cache); a batch
 * whose write fails clears it.
 */
export class DocumentCache {
  private readonly entries = new Map<string, CachedDocument>();

  constructor(private readonly capacity = TRACK_DOCUMENTS) {}

  get(collection: string, id: string): CachedDocument | undefined {
    const key = cacheKey(collection, id);
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(collection: string, id: string, entry: CachedDocument): void {
    const key = cacheKey(collection, id);
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  clear(): void {
    this.entries.clear();
  }
}

function cacheKey(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}

import { PersonalDataRetention } from '../../ports/personal-data-retention.port';
import { ErasedSubject, PhotoKey } from '../../ports/personal-data.port';

export type { ErasedSubject, PhotoKey };

/** Injection token for the store of personal-data keys (never the event log). */
export const KEY_STORE = Symbol('KEY_STORE');

export interface SubjectKey {
  readonly subjectId: string;
  /** The subject's data key, wrapped (encrypted) by the master key. */
  readonly wrappedKey: Buffer;
}

/** Photos whose keys went are shredded: their blobs are named for deletion whatever else links them. */
export function withShredded(split: { unusedPhotoHashes: string[]; photosInUse: number }, shredded: readonly string[]): { unusedPhotoHashes: string[]; photosInUse: number } {
  const unused = new Set(split.unusedPhotoHashes);
  const added = shredded.filter((h) => !unused.has(h));
  for (const h of added) unused.add(h);
  return { unusedPhotoHashes: [...unused], photosInUse: Math.max(0, split.photosInUse - added.length) };
}

/**
 * Keys of subjects (one plate within one tenant), looked up by a keyed HMAC of the normalised
 * plate, never the plate itself. Deleting a subject's key is what erases its data everywhere.
 */
export interface KeyStore extends PersonalDataRetention {
  /** The subject of `lookup` in `tenant`, created with `created` when it has none yet. */
  subjectFor(tenant: string, lookup: string, created: SubjectKey): Promise<SubjectKey>;
  findByLookup(tenant: string, lookup: string): Promise<SubjectKey | null>;
  /** null when the subject never existed or was erased. */
  keyOf(tenant: string, subjectId: string): Promise<Buffer | null>;
  /**
   * Links an entry (and its photo) to a subject, so the subject's erasure reaches the photo; `at`
   * is when the link was made (photo retention counts from it) and the subject's last-seen time.
   * With `photoKey` (at capture) the entry's photo key is stored in the same transaction; a link to
   * an entry with a sealed photo names that photo's blob whatever `photoHash` says.
   */
  linkEntry(tenant: string, subjectId: string, entryId: string, photoHash: string, at: Date, photoKey?: PhotoKey): Promise<void>;
  /** The key of an entry's sealed photo; null for an entry captured before photos were sealed, or whose photo key went. */
  photoKeyOf(tenant: string, entryId: string): Promise<PhotoKey | null>;
  /**
   * Deletes the subject's key, lookups and links, and those of every subject one of its entries is
   * also linked to (a correction or label to another plate); returns the photo hashes of their entries.
   */
  erase(tenant: string, subjectId: string): Promise<ErasedSubject>;
  close(): void;
}

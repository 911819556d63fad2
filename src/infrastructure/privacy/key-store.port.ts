import { PersonalDataRetention } from '../../ports/personal-data-retention.port';
import { ErasedSubject } from '../../ports/personal-data.port';

export type { ErasedSubject };

/** Injection token for the store of personal-data keys (never the event log). */
export const KEY_STORE = Symbol('KEY_STORE');

export interface SubjectKey {
  readonly subjectId: string;
  /** The subject's data key, wrapped (encrypted) by the master key. */
  readonly wrappedKey: Buffer;
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
   */
  linkEntry(tenant: string, subjectId: string, entryId: string, photoHash: string, at: Date): Promise<void>;
  /**
   * Deletes the subject's key, lookups and links, and those of every subject one of its entries is
   * also linked to (a correction or label to another plate); returns the photo hashes of their entries.
   */
  erase(tenant: string, subjectId: string): Promise<ErasedSubject>;
  close(): void;
}

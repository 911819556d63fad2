/** Injection token for the retention side of the personal-data key store. */
export const PERSONAL_DATA_RETENTION = Symbol('PERSONAL_DATA_RETENTION');

export interface ExpiredPhotos {
  /** Entry links made before the cut-off, now dropped. */
  readonly entries: number;
  /** Photos of those entries that no remaining entry link (of any tenant) uses: delete them. */
  readonly unusedPhotoHashes: readonly string[];
  /** Photos of those entries still used by a newer entry (or another tenant's): keep them. */
  readonly photosInUse: number;
}

export interface ErasedSubjects {
  readonly subjects: number;
  /** Links of the erased subjects dropped with them. */
  readonly entries: number;
  readonly unusedPhotoHashes: readonly string[];
  readonly photosInUse: number;
}

/**
 * Retention over the key store: entry links carry when they were made, subjects when their plate
 * was last seen. Both operations touch one tenant only; a photo is named for deletion only when no
 * link of any tenant still uses it (photos are content-addressed and may be shared).
 */
export interface PersonalDataRetention {
  /** Tenants with any subject in the store. */
  tenants(): Promise<string[]>;
  /** Drops the tenant's entry links made before `before`. */
  expireEntries(tenant: string, before: Date): Promise<ExpiredPhotos>;
  /** Erases (key, lookup, links) the tenant's subjects last seen before `before`. */
  eraseUnseenSince(tenant: string, before: Date): Promise<ErasedSubjects>;
}

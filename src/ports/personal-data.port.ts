/** Injection token for the sealing and opening of personal fields (crypto-shredding). */
export const PERSONAL_DATA = Symbol('PERSONAL_DATA');

/** What a read shows of a sealed field: its text, or that its subject (or photo key) was erased. */
export type Opened = { readonly text: string } | { readonly erased: true };

/** The key of one entry's photo (wrapped by the master key) and the address of the sealed photo in the blob store. */
export interface PhotoKey {
  readonly blobHash: string;
  readonly wrappedKey: Buffer;
}

/** An entry's photo as stored: where its sealed bytes are, and how to open them. */
export interface SealedPhoto {
  readonly blobHash: string;
  open(sealed: Buffer): Buffer;
}

export interface ErasedSubject {
  /** Whether the subject had a key (false: never existed, or already erased). */
  readonly existed: boolean;
  readonly photoHashes: string[];
  /** Other subjects erased with it: they shared an entry with it. */
  readonly linkedSubjects: string[];
}

/**
 * Personal fields (plates, OCR text of entries, labels of entries) are stored sealed under the key
 * of their subject (one plate within one tenant); deleting the key erases every stored copy while
 * the events and their hashes stay. Keys live in their own store, never in the event log.
 */
export interface PersonalDataPort {
  /** The subject of a plate in a tenant (created on first sight); a blank read is a subject of its own entry. */
  subjectOf(tenant: string, plate: string, entryId: string): Promise<string>;
  /** The tenant's subject of a plate, or null when it has none (never had, or erased). */
  findSubject(tenant: string, plate: string): Promise<string | null>;
  /** `text` sealed under the subject's key: `pd1.<subject_id>.<ciphertext>`. */
  seal(tenant: string, subjectId: string, text: string): Promise<string>;
  /** Several texts sealed under one subject's key (one key lookup). */
  sealMany(tenant: string, subjectId: string, texts: readonly string[]): Promise<string[]>;
  /** Only the tenant's own keys open its fields: another tenant's sealed value reads as erased. */
  open(tenant: string, value: string): Promise<Opened>;
  /**
   * `open` for many values of one answer: each subject's key is looked up once. Keep it no longer
   * than the answer it opens (a key erased meanwhile would still open what it is given).
   */
  opener(tenant: string): (value: string) => Promise<Opened>;
  /**
   * A keyed hash of `text` under the subject's key (hex): equal texts of one subject hash alike,
   * nobody without the key can find the text by hashing every plate, and it is unlinkable once the
   * subject is erased. null when the subject has no key.
   */
  keyedHash(tenant: string, subjectId: string, text: string): Promise<string | null>;
  /** The subject a sealed value was sealed under; null for a value that is not sealed. */
  subjectOfSealed(value: string): string | null;
  /**
   * Links an entry (and its photo) to a subject, so the subject's erasure reaches the photo. At
   * capture `photoKey` (from `sealPhoto`, once its bytes are in the blob store) is stored with it.
   */
  linkEntry(tenant: string, subjectId: string, entryId: string, photoHash: string, photoKey?: PhotoKey): Promise<void>;
  /** A photo sealed under a fresh key of its own (AES-256-GCM); the key comes back wrapped by the master key. */
  sealPhoto(photo: Buffer): { sealed: Buffer; wrappedKey: Buffer };
  /**
   * The entry's sealed photo; null when the entry has no photo key: captured before photos were
   * sealed (its photo is in the blob store as it is) or its key was deleted (erased or expired).
   */
  entryPhoto(tenant: string, entryId: string): Promise<SealedPhoto | null>;
  /**
   * Deletes the subject's key and links, and those of the subjects its entries were also linked to
   * (an entry read as one plate and corrected or labeled to another is in both: either erasure
   * erases both); returns the photo hashes of their entries.
   */
  erase(tenant: string, subjectId: string): Promise<ErasedSubject>;
}

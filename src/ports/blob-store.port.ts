/** Injection token for photo/artifact storage. */
export const BLOB_STORE = Symbol('BLOB_STORE');

export interface StoredBlob {
  /** sha256 of the bytes, lower-case hex: the blob's address. */
  readonly hash: string;
  readonly size: number;
}

/**
 * Content-addressed, immutable storage: the same bytes always get the same address, so `put`
 * is idempotent and a replayed command cannot duplicate a photo.
 */
export interface BlobStore {
  put(bytes: Buffer, contentType?: string): Promise<StoredBlob>;
  /** null when absent; throws ValidationError for a malformed hash. */
  get(hash: string): Promise<Buffer | null>;
  has(hash: string): Promise<boolean>;
  /** Removes the bytes (erasure of personal data); absent is not an error. */
  delete(hash: string): Promise<void>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isBlobHash(value: string): boolean {
  return SHA256_HEX.test(value);
}

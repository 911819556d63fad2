/** Stored form of a personal field: `pd1.<subject_id>.<base64url(iv | tag | ciphertext)>`. */
export const SEALED_PREFIX = 'pd1.';
export const SEALED = /^pd1\.([0-9a-f-]{36})\.([A-Za-z0-9_-]+)$/;

/** A sealed value is opaque: nothing but its key opens it, nothing may rewrite it (redaction would break it). */
export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && SEALED.test(value);
}

/** Stored form of a personal field: `pd1.<subject_id>.<base64url(iv | tag | ciphertext)>`. */
export const SEALED_PREFIX = 'pd1.';
export const SEALED = /^pd1\.([0-9a-f-]{36})\.([A-Za-z0-9_-]+)$/;

/** A sealed value is opaque: nothing but its key opens it, nothing may rewrite it (redaction would break it). */
export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && SEALED.test(value);
}

/**
 * A diversity vector as stored: numbers, or for a vehicle entry (it holds the perceptual-hash bits
 * of the photo) the JSON of those numbers sealed under the plate's key. Read it with `openVector`.
 */
export type StoredVector = number[] | string;

/** A copy of a stored vector (a sealed one is a string: kept as it is). */
export function copyVector(vector: readonly number[] | string): StoredVector {
  return typeof vector === 'string' ? vector : [...vector];
}

/** A stored vector's numbers: a sealed one opened with `open` (the caller's tenant keys); null once its plate is erased. */
export async function openVector(vector: StoredVector, open: (sealed: string) => Promise<{ readonly text: string } | { readonly erased: true }>): Promise<number[] | null> {
  if (typeof vector !== 'string') return vector;
  const opened = await open(vector);
  if (!('text' in opened)) return null;
  const numbers: unknown = JSON.parse(opened.text);
  return Array.isArray(numbers) ? numbers.map(Number) : [];
}

import { randomUUID } from 'node:crypto';
import { sha256 } from './sha256';

/**
 * A UUID (v8 layout) derived from a name: the same name always gives the same id, so commands
 * sent again by a saga or a retried request produce the same event ids and append nothing new.
 */
export function deterministicUuid(name: string): string {
  const h = sha256(name);
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The id of a tuple of parts (kind, tenant, user, client key...): hashed from the JSON array of the
 * parts, so no choice of characters in one part can make two different tuples meet.
 */
export function derivedId(...parts: readonly string[]): string {
  return deterministicUuid(JSON.stringify(parts));
}

export function newId(): string {
  return randomUUID();
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** Ids that appear in stream names and URLs: a conservative alphabet, so no id can forge a stream. */
export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && ID.test(id);
}

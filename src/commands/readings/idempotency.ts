import { ValidationError } from '../../domain/shared/errors';

const KEY = /^[\x21-\x7e]{1,200}$/;

/** The `Idempotency-Key` header, checked: printable ASCII, at most 200 characters, or absent. */
export function idempotencyKey(raw: string | string[] | undefined): string | null {
  if (raw === undefined) return null;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string' || !KEY.test(value)) {
    throw new ValidationError('Idempotency-Key must be 1-200 printable ASCII characters without spaces', { fields: { 'Idempotency-Key': ['must be 1-200 printable ASCII characters'] } });
  }
  return value;
}

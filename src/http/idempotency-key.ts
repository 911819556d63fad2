import { ValidationError } from '../domain/shared/errors';

/** The one rule for an `Idempotency-Key`: 1 to 128 printable ASCII characters, no spaces. */
export const IDEMPOTENCY_KEY_MAX = 128;
const KEY = new RegExp(`^[\\x21-\\x7e]{1,${IDEMPOTENCY_KEY_MAX}}$`);

/** The `Idempotency-Key` header, checked against the one rule, or null when absent. */
export function idempotencyKey(raw: string | string[] | undefined): string | null {
  if (raw === undefined) return null;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string' || !KEY.test(value)) {
    const rule = `must be 1-${IDEMPOTENCY_KEY_MAX} printable ASCII characters without spaces`;
    throw new ValidationError(`Idempotency-Key ${rule}`, { fields: { 'Idempotency-Key': [rule] } });
  }
  return value;
}

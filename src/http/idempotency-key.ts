import { ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import { ValidationError } from '../domain/shared/errors';
import { ClaimSlot } from '../ports/event-store.port';

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

/** Route metadata: when the `Idempotency-Key` of a JSON request may be checked after its handler. */
export const KEY_CHECKED_AFTER = 'flywheel:idempotency-key-checked-after';

/**
 * For a route whose effects are all named from the key (its ids derive from it): a reused key with
 * another body appends nothing there (the decider finds the same id already applied, or the event
 * id already used on another stream), so the key's record needs no read before the handler. Its
 * write after the handler answers an earlier record (422 when the bodies differ), and a refused
 * handler reads it then, so a reuse is 422 either way. `when` says which requests qualify: one
 * whose handler does something before deciding (say, sealing a plate under a new subject) must not.
 */
export const IdempotencyKeyCheckedAfter = (when: (request: { body?: unknown }) => boolean) => SetMetadata(KEY_CHECKED_AFTER, when);

/** Where the `Idempotency-Key` check leaves a checked-after request's record for its handler to claim. */
export const IDEMPOTENCY_CLAIM = Symbol('idempotency-claim');

/**
 * A handler parameter: the key's record as a claim for the command's append (its context's
 * `claim`), so the record is written in the append's own transaction; undefined without a key.
 */
export const IdempotencyClaim = createParamDecorator((_: unknown, context: ExecutionContext): ClaimSlot | undefined => context.switchToHttp().getRequest<{ [IDEMPOTENCY_CLAIM]?: ClaimSlot }>()[IDEMPOTENCY_CLAIM]);

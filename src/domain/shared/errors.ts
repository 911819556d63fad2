/**
 * The DomainError family. One exception filter maps `kind` to an HTTP status, so domain code
 * never knows about HTTP and every rule violation gets a clear, typed answer.
 */
export type DomainErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'too_large'
  | 'rate_limited'
  | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('validation', message, details);
  }
}

/**
 * A page cursor the list did not hand out (malformed, or another list's): every read store throws
 * this, and every list answers it as it is (400 naming the field).
 */
export class InvalidCursorError extends ValidationError {
  constructor() {
    super('cursor must be a cursor returned by a previous page', { fields: { cursor: ['is not a cursor of this list'] } });
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'missing or invalid bearer token') {
    super('unauthenticated', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('forbidden', message, details);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('not_found', message, details);
  }
}

/** A state conflict: the action is forbidden by the current state, or a duplicate. */
export class ConflictError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('conflict', message, details);
  }
}

/** Optimistic concurrency: the stream moved since it was read. Retried by the command handler. */
export class ConcurrencyError extends DomainError {
  constructor(
    readonly stream: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super('conflict', `stream ${stream} is at revision ${actual}, expected ${expected}`, { stream, expected, actual });
  }
}

/** A well-formed request that cannot be processed (an undecodable photo, too little data). */
export class UnprocessableError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('unprocessable', message, details);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(message: string) {
    super('too_large', message);
  }
}

export class RateLimitedError extends DomainError {
  constructor(message = 'rate limit exceeded: too many requests per minute') {
    super('rate_limited', message);
  }
}

export class UnavailableError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super('unavailable', message);
  }
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

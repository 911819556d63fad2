import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Observable, catchError, from, mergeMap, switchMap } from 'rxjs';
import { UnprocessableError } from '../../domain/shared/errors';
import { sha256Hex } from '../../domain/shared/sha256';
import { AuthenticatedRequest } from '../auth/auth.guard';
import { READ_STORE, ReadStore } from '../../ports/read-store.port';
import { IDEMPOTENCY_CLAIM, KEY_CHECKED_AFTER, idempotencyKey } from '../../http/idempotency-key';
import { ClaimSlot } from '../../ports/event-store.port';

/** Outside every projection: a rebuild of the read models does not forget the keys. */
export const IDEMPOTENCY_COLLECTION = 'idempotency_keys';

type UploadRequest = AuthenticatedRequest & Request & { file?: { buffer?: Buffer; size?: number }; [IDEMPOTENCY_CLAIM]?: ClaimSlot };

/**
 * A command's `Idempotency-Key` is checked against the one rule and bound to the request it first
 * came with (route and body, per tenant and user). The handlers make a retry append nothing; this
 * makes a reuse with another body answer 422 naming the key instead of the first answer.
 * A JSON body is compared before the handler runs; a multipart one (parsed by the route's own
 * interceptor) after, when the handler has found the first attempt's record and appended nothing.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<UploadRequest>();
    if (request.method === 'GET' || request.method === 'HEAD') return next.handle();
    const key = idempotencyKey(request.headers['idempotency-key']);
    const principal = request.principal;
    if (key === null || !principal) return next.handle();
    const id = sha256Hex(JSON.stringify([principal.tenant, principal.sub, key]));
    const multipart = (request.headers['content-type'] ?? '').startsWith('multipart/');
    // A JSON body is known now and printed once; a multipart one only after its route parsed it.
    const print = multipart ? null : fingerprint(request);
    const record = mergeMap(async (answer: unknown) => {
      await this.check(id, key, print ?? fingerprint(request), true);
      return answer;
    });
    if (print !== null && this.reflector.get<(r: UploadRequest) => boolean>(KEY_CHECKED_AFTER, context.getHandler())?.(request) === true) {
      // A route whose ids derive from the key: no read before; a refusal looks the key up then.
      // Its handler may claim the record for its command's append (one transaction); else, or
      // when that command appended nothing (a retry), the record is written after it.
      const slot: ClaimSlot = { claim: { collection: IDEMPOTENCY_COLLECTION, id, doc: { fingerprint: print } }, written: false };
      request[IDEMPOTENCY_CLAIM] = slot;
      const refused = catchError(async (error: unknown) => {
        await this.check(id, key, print, false);
        throw error;
      });
      const claimed = mergeMap(async (answer: unknown) => {
        if (!slot.written) await this.check(id, key, print, true);
        return answer;
      });
      return next.handle().pipe(refused, claimed);
    }
    const before = print === null ? Promise.resolve() : this.check(id, key, print, false);
    return from(before).pipe(
      switchMap(() => next.handle()),
      record,
    );
  }

  /**
   * Refuses a request that differs from the one first answered under the key; after a success,
   * records it (a refused first attempt, a 400 say, does not bind the key) in the same read-store
   * operation that answers an earlier record (insert if absent, else the stored one).
   */
  private async check(id: string, key: string, print: string, record: boolean): Promise<void> {
    const known = record
      ? await this.store.insertIfAbsent<{ fingerprint: string }>(IDEMPOTENCY_COLLECTION, id, { fingerprint: print })
      : await this.store.get<{ fingerprint: string }>(IDEMPOTENCY_COLLECTION, id);
    if (known && known.fingerprint !== print) {
      throw new UnprocessableError(`Idempotency-Key "${key}" was used with a different request; use a new key for a new request`, { fields: { 'Idempotency-Key': ['reused with a different body'] } });
    }
  }
}

/** Method, route (without a trailing slash) and body; for an upload, the file's digest too. */
function fingerprint(request: UploadRequest): string {
  const path = request.path.replace(/\/+$/, '');
  const file = request.file?.buffer ? sha256Hex(request.file.buffer) : null;
  return sha256Hex(JSON.stringify([request.method, path, canonical(request.body), file]));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

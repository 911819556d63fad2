import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, from, mergeMap } from 'rxjs';
import { AuthenticatedRequest } from '../../http/access';
import { isSealed } from '../../domain/privacy/sealed';
import { PERSONAL_DATA, PersonalDataPort } from '../../ports/personal-data.port';

/** Audit answers return events exactly as stored (their hashes are over the ciphertext). */
const STORED_AS_IS = /^\/api\/v2\/audit\//;

/**
 * Every API answer opens the sealed personal fields it carries with the caller's tenant keys: one
 * place, so a new read path cannot forget to. A field of an erased subject becomes null and its
 * object says `erased: true`.
 */
@Injectable()
export class OpenPersonalFieldsInterceptor implements NestInterceptor {
  constructor(@Inject(PERSONAL_DATA) private readonly personal: PersonalDataPort) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const tenant = request.principal?.tenant;
    if (!tenant || STORED_AS_IS.test(request.path)) return next.handle();
    return next.handle().pipe(mergeMap((body: unknown) => from(this.open(tenant, body))));
  }

  private async open(tenant: string, value: unknown): Promise<unknown> {
    if (Array.isArray(value)) return Promise.all(value.map((v) => this.open(tenant, v)));
    if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || value instanceof Date) return value;
    if (!Object.getPrototypeOf(value) || Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      let erased = false;
      for (const [key, field] of Object.entries(value)) {
        if (isSealed(field)) {
          const opened = await this.personal.open(tenant, field);
          out[key] = 'text' in opened ? opened.text : null;
          erased ||= !('text' in opened);
        } else {
          out[key] = await this.open(tenant, field);
        }
      }
      if (erased) out.erased = true;
      return out;
    }
    return value;
  }
}

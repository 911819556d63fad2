import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, from, mergeMap } from 'rxjs';
import { AuthenticatedRequest } from '../../http/access';
import { PERSONAL_DATA, PersonalDataPort } from '../../ports/personal-data.port';
import { openSealedFields } from './open-sealed-fields';

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
    return next.handle().pipe(mergeMap((body: unknown) => from(openSealedFields(this.personal, tenant, body))));
  }
}

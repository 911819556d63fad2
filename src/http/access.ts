import { ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import { UnauthenticatedError } from '../domain/shared/errors';
import { Principal, Role } from '../domain/shared/principal';

/**
 * What a controller declares about access. The global auth guard (infrastructure) reads these
 * marks; controllers import them from here so no role folder reaches into infrastructure.
 */
export const ROLES_KEY = 'roles';
export const PUBLIC_KEY = 'public';

/** Which roles may call a handler (any of them). Handlers without it need only a valid token. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new UnauthenticatedError();
  return principal;
});

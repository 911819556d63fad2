import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ForbiddenError, UnauthenticatedError } from '../../domain/shared/errors';
import { Principal, Role } from '../../domain/shared/principal';
import { AuthenticatedRequest, PUBLIC_KEY, ROLES_KEY } from '../../http/access';
import { JwtService } from './jwt';

// Re-exported so code that still imports the marks from here keeps compiling; new code imports src/http/access.
export { CurrentPrincipal, Public, Roles } from '../../http/access';
export type { AuthenticatedRequest } from '../../http/access';

export function bearerToken(request: Request): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match ? match[1] : null;
}

/**
 * A token verified earlier in the same request (the rate limiter verifies it to key the budget):
 * the auth guard reuses the result for that very token instead of checking the signature twice.
 */
const verified = new WeakMap<object, { readonly token: string; readonly principal: Principal }>();

export function verifyOnce(jwt: JwtService, request: object, token: string): Principal {
  const known = verified.get(request);
  if (known && known.token === token) return known.principal;
  const principal = jwt.verify(token);
  verified.set(request, { token, principal });
  return principal;
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request);
    if (!token) throw new UnauthenticatedError('missing bearer token');
    const principal = verifyOnce(this.jwt, request, token);
    request.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (roles && !roles.some((r) => principal.roles.includes(r))) {
      throw new ForbiddenError(`this action needs one of the roles: ${roles.join(', ')}`, { required_roles: roles });
    }
    return true;
  }
}

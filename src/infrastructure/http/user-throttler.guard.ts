import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, ThrottlerLimitDetail, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { RateLimitedError } from '../../domain/shared/errors';
import { bearerToken, verifyOnce } from '../auth/auth.guard';
import { JwtService } from '../auth/jwt';

/**
 * Rate limit per user, keyed on the verified identity: the token's signature is checked here, so a
 * forged token naming someone spends the sender's budget (its client address), never its victim's.
 * Requests without a valid token are keyed by client address.
 */
@Injectable()
export class UserThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly jwt: JwtService,
  ) {
    super(options, storage, reflector);
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as Request;
    const token = bearerToken(request);
    if (token) {
      try {
        const principal = verifyOnce(this.jwt, request, token);
        // JSON keeps tenant and subject apart whatever they contain.
        return `user:${JSON.stringify([principal.tenant, principal.sub])}`;
      } catch {
        // An invalid token earns no identity: the auth guard refuses it, the address pays for it.
      }
    }
    return `ip:${request.ip ?? request.socket?.remoteAddress ?? 'unknown'}`;
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const path = context.switchToHttp().getRequest<Request>().path;
    return path === '/health' || path === '/metrics';
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    // The standard header (the library only sets one suffixed with the throttler's name).
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(Math.max(1, Math.ceil(detail.timeToBlockExpire))));
    throw new RateLimitedError();
  }
}

import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { RateLimitedError } from '../../domain/shared/errors';
import { bearerToken } from '../auth/auth.guard';

/**
 * Rate limit per user: keyed by the bearer token's subject when one is presented (decoded, not
 * trusted: an invalid token is refused by the auth guard anyway), else by client address.
 */
@Injectable()
export class UserThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as Request;
    const token = bearerToken(request);
    if (token) {
      const payload = token.split('.')[1] ?? '';
      try {
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown; tenant?: unknown };
        if (typeof claims.sub === 'string' && typeof claims.tenant === 'string') return `user:${claims.tenant}:${claims.sub}`;
      } catch {
        // fall through to a hash of the token
      }
      return `token:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
    }
    return `ip:${request.ip ?? 'unknown'}`;
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const path = context.switchToHttp().getRequest<Request>().path;
    return path === '/health' || path === '/metrics';
  }

  protected override async throwThrottlingException(_context: ExecutionContext, _detail: ThrottlerLimitDetail): Promise<void> {
    throw new RateLimitedError();
  }
}

import { CanActivate, ExecutionContext, Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '../../config';
import { RateLimitedError } from '../../domain/shared/errors';
import { bearerToken, verifyOnce } from '../auth/auth.guard';
import { JwtService } from '../auth/jwt';
import { RateWindow } from './rate-window';

const WINDOW_MS = 60_000;
/** Paths never limited: the probes a load balancer and a scraper poll. */
const UNLIMITED = new Set(['/health', '/metrics']);

/**
 * Rate limit per user, keyed on the verified identity: the token's signature is checked here, so a
 * forged token naming someone spends the sender's budget (its client address), never its victim's.
 * Requests without a valid token are keyed by client address. RATE_LIMIT_PER_MINUTE requests in any
 * minute; one more answers 429 with Retry-After and blocks the tracker for a minute.
 * Synchronous and O(1) per request (a request on the write path pays no hashing, no promise and no
 * scan of its user's recent requests).
 */
@Injectable()
export class RateLimitGuard implements CanActivate, OnModuleDestroy {
  private readonly window: RateWindow;
  private readonly limit: string;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly jwt: JwtService,
  ) {
    this.window = new RateWindow(config.rateLimitPerMinute, WINDOW_MS, WINDOW_MS);
    this.limit = String(config.rateLimitPerMinute);
    this.sweeper = setInterval(() => this.window.sweep(Date.now()), WINDOW_MS).unref();
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    if (UNLIMITED.has(request.path)) return true;
    const response = http.getResponse<Response>();
    const decision = this.window.hit(this.tracker(request), Date.now());
    response.setHeader('X-RateLimit-Limit-per-user', this.limit);
    response.setHeader('X-RateLimit-Remaining-per-user', String(decision.remaining));
    response.setHeader('X-RateLimit-Reset-per-user', String(decision.resetSeconds));
    if (!decision.allowed) {
      response.setHeader('Retry-After', String(decision.resetSeconds));
      throw new RateLimitedError();
    }
    return true;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private tracker(request: Request): string {
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
}

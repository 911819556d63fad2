import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable, from, switchMap } from 'rxjs';
import { UnavailableError } from '../domain/shared/errors';
import { ProjectionRunner } from './projection-runner';
import { parseMinPosition } from '../http/conventions';

const MAX_WAIT_MS = 2000;

/** Read your writes: a GET with `min_position` waits until the read models have applied it. */
@Injectable()
export class MinPositionInterceptor implements NestInterceptor {
  constructor(private readonly runner: ProjectionRunner) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    if (request.method !== 'GET' || request.path === '/health' || request.path === '/metrics') return next.handle();
    const position = parseMinPosition(request.query?.min_position);
    if (position === null) return next.handle();
    return from(this.reachable(position)).pipe(
      switchMap((reached) => {
        if (!reached) throw new UnavailableError(`read models have not yet applied position ${position}; retry shortly`, 1);
        return next.handle();
      }),
    );
  }

  /** A projection parked before `position` cannot reach it until ops decides: say which, at once. */
  private async reachable(position: number): Promise<boolean> {
    const stalled = await this.runner.stalledBefore(position);
    if (stalled) throw new UnavailableError(`projection ${stalled.projection} is stalled at parked position ${stalled.parkedPosition}; it cannot apply position ${position} until ops retries or skips it`, 5);
    return this.runner.waitForPosition(position, MAX_WAIT_MS);
  }
}

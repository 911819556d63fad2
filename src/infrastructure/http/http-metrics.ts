import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MetricsService } from '../observability/metrics.service';

/**
 * Latency per route template (not per raw URL, which would explode the label set), for every
 * request, refused ones included. Plain Express middleware rather than a Nest interceptor: an
 * interceptor costs every request an rxjs pipeline and an async-context binding.
 */
export function httpMetrics(metrics: MetricsService): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    response.once('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      end({ method: request.method, route, status: String(response.statusCode) });
    });
    next();
  };
}

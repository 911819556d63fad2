import { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Observable, from, isObservable, mergeAll } from 'rxjs';

/**
 * Interceptors that every route runs, as one: each one's `next.handle()` starts the next, and the
 * last one's starts the route. Nest wraps every registered interceptor of every request in a
 * deferred observable and a flattening of its own (and, unless `interceptWithoutAsyncResources`
 * ran, an async resource); the global ones need none of that among themselves (nothing here uses
 * async-local storage), so they cost one layer, not three.
 */
export class InterceptorChain implements NestInterceptor {
  private readonly interceptors: readonly NestInterceptor[];

  constructor(...interceptors: NestInterceptor[]) {
    this.interceptors = interceptors;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const run = (i: number): Observable<unknown> => {
      if (i === this.interceptors.length) return next.handle();
      const answer = this.interceptors[i].intercept(context, { handle: () => run(i + 1) });
      return isObservable(answer) ? answer : from(answer).pipe(mergeAll());
    };
    return run(0);
  }
}

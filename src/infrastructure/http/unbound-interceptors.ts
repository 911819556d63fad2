import { NestInterceptor } from '@nestjs/common';
import { ContextType } from '@nestjs/common/interfaces';
import { InterceptorsConsumer } from '@nestjs/core/interceptors';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { Observable, defer, mergeAll } from 'rxjs';

type Intercept = (interceptors: NestInterceptor[], args: unknown[], instance: object, callback: (...args: unknown[]) => unknown, next: () => Promise<unknown>, type?: ContextType) => Promise<unknown>;

interface Consumer {
  intercept: Intercept;
  createContext(args: unknown[], instance: object, callback: (...args: unknown[]) => unknown): ExecutionContextHost;
  transformDeferred(next: () => Promise<unknown>): Observable<unknown>;
  flywheelUnbound?: true;
}

/**
 * Nest runs each step of a request's interceptors inside `AsyncResource.bind`, so that an
 * AsyncLocalStorage context set by a middleware reaches the handler. Nothing in this service
 * uses async-local storage, and on Node 20 every bind defines a deprecated `asyncResource` getter
 * through `util.deprecate`, which re-prototypes a function: about 11 µs per bind, two per request,
 * 3% of the server's time under the corrections load (CPU profile). These are Nest's own steps
 * (same order, same deferral, same error path), unbound. Applied once, before the app is created;
 * if Nest's consumer no longer has the shape this relies on, it is left as it is.
 */
export function interceptWithoutAsyncResources(): void {
  const proto = InterceptorsConsumer.prototype as unknown as Consumer;
  if (proto.flywheelUnbound || typeof proto.createContext !== 'function' || typeof proto.transformDeferred !== 'function') return;
  proto.flywheelUnbound = true;
  proto.intercept = async function (this: Consumer, interceptors, args, instance, callback, next, type) {
    if (!interceptors || interceptors.length === 0) return next();
    const context = this.createContext(args, instance, callback);
    context.setType(type as ContextType);
    const step = async (i: number): Promise<Observable<unknown>> => {
      if (i >= interceptors.length) return defer(() => this.transformDeferred(next));
      const handler = { handle: () => defer(() => step(i + 1)).pipe(mergeAll()) };
      return interceptors[i].intercept(context, handler) as Observable<unknown>;
    };
    return defer(() => step(0)).pipe(mergeAll());
  };
}

import { AsyncResource } from 'node:async_hooks';
import { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { InterceptorsConsumer } from '@nestjs/core/interceptors';
import { Observable, lastValueFrom, map } from 'rxjs';
import { interceptWithoutAsyncResources } from './unbound-interceptors';

class Tag implements NestInterceptor {
  constructor(
    private readonly name: string,
    private readonly seen: string[],
  ) {}
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    this.seen.push(`${this.name}:${context.getType()}:${context.getHandler().name}`);
    return next.handle().pipe(map((value) => `${this.name}(${String(value)})`));
  }
}

class Controller {
  handler(): void {}
}

async function run(interceptors: NestInterceptor[], next: () => Promise<unknown>): Promise<unknown> {
  const consumer = new InterceptorsConsumer();
  const answer = await consumer.intercept(interceptors, [{}, {}, () => undefined], new Controller(), Controller.prototype.handler, next, 'http');
  return lastValueFrom(answer as Observable<unknown>);
}

describe('interceptors without async resources', () => {
  beforeAll(() => interceptWithoutAsyncResources());

  it('runs every interceptor in order around the handler, with its context, and no AsyncResource per step', async () => {
    const bind = jest.spyOn(AsyncResource, 'bind');
    try {
      const seen: string[] = [];
      await expect(run([new Tag('a', seen), new Tag('b', seen)], async () => 'answer')).resolves.toBe('a(b(answer))');
      expect(seen).toEqual(['a:http:handler', 'b:http:handler']);
      expect(bind).not.toHaveBeenCalled();
    } finally {
      bind.mockRestore();
    }
  });

  it("passes the handler's error out through the interceptors, and runs the handler once", async () => {
    let calls = 0;
    const failing = async () => {
      calls += 1;
      throw new Error('refused');
    };
    await expect(run([new Tag('a', [])], failing)).rejects.toThrow('refused');
    expect(calls).toBe(1);
  });

  it('answers an observable handler through the interceptors, and a route without interceptors directly', async () => {
    const { of } = await import('rxjs');
    await expect(run([new Tag('a', [])], async () => of('stream'))).resolves.toBe('a(stream)');
    const consumer = new InterceptorsConsumer();
    await expect(consumer.intercept([], [], new Controller(), Controller.prototype.handler, async () => 'direct', 'http')).resolves.toBe('direct');
  });
});

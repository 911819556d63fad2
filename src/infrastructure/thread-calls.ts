import path from 'node:path';
import type { Worker } from 'node:worker_threads';

/**
 * A worker module's file beside the module that starts it (`callerFile`, its `__filename`):
 * compiled, the .js; under ts-node or jest, the .ts source, loaded through ts-node.
 */
export function workerEntry(callerFile: string, worker: string): { file: string; execArgv: string[] } {
  const extension = path.extname(callerFile);
  return { file: path.join(path.dirname(callerFile), `${worker}${extension}`), execArgv: extension === '.ts' ? ['-r', 'ts-node/register/transpile-only'] : [] };
}

/**
 * The calls a worker thread has not answered yet, by id. The worker keeps the process alive while
 * one is pending, and only then (a server idle but for a finished thread still exits cleanly).
 */
export class ThreadCalls {
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 1;

  /** A new call's id; its promise settles when `settle` or `failAll` reaches it. */
  add<T>(worker: Worker): { id: number; answer: Promise<T> } {
    const id = this.nextId++;
    const answer = new Promise<T>((resolve, reject) => {
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
    return { id, answer };
  }

  /** Answers call `id` (an Error rejects it); false when no such call is pending. */
  settle(id: number, outcome: { readonly value: unknown } | { readonly error: Error }, worker: Worker | null): boolean {
    const waiter = this.waiting.get(id);
    if (!waiter) return false;
    this.waiting.delete(id);
    if (this.waiting.size === 0) worker?.unref();
    if ('error' in outcome) waiter.reject(outcome.error);
    else waiter.resolve(outcome.value);
    return true;
  }

  failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

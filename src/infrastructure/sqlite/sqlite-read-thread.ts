import { Worker } from 'node:worker_threads';
import type { ReadThread } from '../../ports/read-thread.port';
import { ThreadCalls, workerEntry } from '../thread-calls';

/** What the main thread asks of the read thread, and its answer. */
export interface ReadThreadRequest {
  readonly id: number;
  readonly module: string;
  readonly name: string;
  readonly args: unknown;
}

export type ReadThreadReply =
  | { readonly id: number; readonly threadId: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly threadId: number; readonly ok: false; readonly error: { readonly name: string; readonly message: string } };

/**
 * Reads of the SQLite file answered on a thread of their own, with their own query-only
 * connection (started on first use, restarted after a failure). The server's main thread is what
 * limits its throughput; a query that reads several documents and computes from them (a
 * prediction's point-in-time features) costs it only the two messages here.
 */
export class SqliteReadThread implements ReadThread {
  private worker: Worker | null = null;
  private readonly calls = new ThreadCalls();
  private closed = false;
  private outbox: ReadThreadRequest[] = [];
  lastThreadId: number | null = null;

  constructor(private readonly file: string) {}

  run<A, T>(module: string, name: string, args: A): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the SQLite read thread is closed'));
    const worker = this.worker ?? this.spawn();
    const { id, answer } = this.calls.add<T>(worker);
    // One message per turn of the event loop, not per query: a message costs the main thread
    // more than the structured clone of a few arguments.
    if (this.outbox.length === 0) setImmediate(() => this.post());
    this.outbox.push({ id, module, name, args });
    return answer;
  }

  private post(): void {
    const requests = this.outbox;
    this.outbox = [];
    if (requests.length > 0) this.worker?.postMessage(requests);
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    this.outbox = [];
    if (worker) await worker.terminate();
    this.failAll(new Error('the SQLite read thread is closed'));
  }

  private spawn(): Worker {
    const { file, execArgv } = workerEntry(__filename, 'sqlite-read-thread.worker');
    const worker = new Worker(file, { execArgv, workerData: { file: this.file } });
    worker.unref();
    worker.on('message', (replies: readonly ReadThreadReply[]) => {
      for (const reply of replies) this.settle(reply);
    });
    worker.on('error', (error) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(error);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      this.outbox = [];
      this.failAll(new Error(`the SQLite read thread exited (code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private settle(reply: ReadThreadReply): void {
    this.lastThreadId = reply.threadId;
    this.calls.settle(reply.id, reply.ok ? { value: reply.value } : { error: Object.assign(new Error(reply.error.message), { name: reply.error.name }) }, this.worker);
  }

  private failAll(error: Error): void {
    this.calls.failAll(error);
  }
}

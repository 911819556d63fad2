import { Worker } from 'node:worker_threads';
import { ConcurrencyError } from '../../domain/shared/errors';
import { WriterError, WriterGroupMessage, WriterInit, WriterOp, WriterReply, WriterRequest } from './sqlite-writer.protocol';
import { workerEntry } from '../thread-calls';

export interface WriterStats {
  readonly groups: number;
  readonly operations: number;
  readonly largestGroup: number;
  /** Group size → how many groups had it. */
  readonly sizes: ReadonlyMap<number, number>;
}

interface Waiter {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  /** Told of a success as soon as its group's message arrives, before the answers are spread over turns. */
  readonly committed?: (value: unknown) => void;
}

/**
 * Writes of one turn go out in messages of this many: while the main thread prepares the rest of
 * a burst (the commands a group's replies set off), the writer already commits the first ones.
 * One message per turn made the two threads take turns (see the write-path figures in docs/BENCHMARKS.md).
 */
const MESSAGE_SIZE = 16;
/** Replies answered per turn of the event loop (see `deliver`). */
const REPLY_SLICE = 16;

/** A writer thread's error as the main thread throws it. */
export function toError(error: WriterError): Error {
  if (error.kind === 'concurrency') return new ConcurrencyError(error.stream, error.expected, error.actual);
  return Object.assign(new Error(error.message), error.code ? { code: error.code } : {}, error.id ? { id: error.id } : {});
}

/**
 * The main thread's side of the writer thread: writes go out as messages, come back after their
 * group's COMMIT (fsync included) returned. The event loop never waits on the disk or on another
 * process's write lock (busy_timeout runs in the writer thread).
 */
export class SqliteWriter {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  private closed = false;
  private groups = 0;
  private operations = 0;
  private largestGroup = 0;
  private readonly sizes = new Map<number, number>();
  /** Writes submitted during this turn of the event loop, posted at its end or once MESSAGE_SIZE are waiting. */
  private outbox: WriterRequest[] = [];
  /** The thread that committed the last group (never the main thread's id, 0). */
  threadId: number | null = null;

  constructor(private readonly init: WriterInit) {}

  /**
   * `committed`, when given, hears of the write's success as soon as its group's message arrives
   * (every write of the group at once, in commit order); the promise resolves in its slice.
   */
  submit<T>(op: WriterOp, committed?: (value: T) => void): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the SQLite writer is closed'));
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      // Keep the process alive while a write is in flight, and only then.
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject, committed: committed as ((value: unknown) => void) | undefined });
      // Not one message per write: the writes of one turn go out together at its end, or in
      // messages of MESSAGE_SIZE, so a group forms from what arrived while the last one committed.
      if (this.outbox.length === 0) setImmediate(() => this.post());
      this.outbox.push({ id, op });
      if (this.outbox.length >= MESSAGE_SIZE) this.post();
    });
  }

  private post(): void {
    const requests = this.outbox;
    this.outbox = [];
    if (requests.length > 0) this.worker?.postMessage(requests);
  }

  stats(): WriterStats {
    return { groups: this.groups, operations: this.operations, largestGroup: this.largestGroup, sizes: new Map(this.sizes) };
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    this.post();
    worker.postMessage({ kind: 'close' });
    await exited;
  }

  private spawn(): Worker {
    const { file, execArgv } = workerEntry(__filename, 'sqlite-writer.worker');
    const worker = new Worker(file, { workerData: this.init, execArgv });
    worker.unref();
    worker.on('message', (message: WriterGroupMessage) => this.settle(message));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new Error(`the SQLite writer thread exited (code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private settle(message: WriterGroupMessage): void {
    this.threadId = message.threadId;
    const size = message.replies.length;
    this.groups += 1;
    this.operations += size;
    this.largestGroup = Math.max(this.largestGroup, size);
    this.sizes.set(size, (this.sizes.get(size) ?? 0) + 1);
    for (const reply of message.replies) if (reply.ok) this.waiting.get(reply.id)?.committed?.(reply.value);
    this.deliver(message.replies, 0);
  }

  /**
   * Answers a group's writes REPLY_SLICE at a time, one turn of the event loop each, posting what
   * the previous slice's answers set off before the next: the writer commits those (the next
   * commands of the callers just answered) while this thread answers the rest. Answered all in one
   * turn, every caller's next write reached the writer at the end of that turn, and the two threads
   * took turns instead of working together (docs/BENCHMARKS.md, the write path).
   */
  private deliver(replies: readonly WriterReply[], from: number): void {
    const end = Math.min(replies.length, from + REPLY_SLICE);
    for (let i = from; i < end; i++) this.reply(replies[i]);
    if (end < replies.length) {
      setImmediate(() => {
        this.post();
        this.deliver(replies, end);
      });
    } else if (this.waiting.size === 0) this.worker?.unref();
  }

  private reply(reply: WriterReply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (reply.ok) waiter.resolve(reply.value);
    else waiter.reject(toError(reply.error));
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

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

/**
 * Milliseconds between checkpoints. At the write path's peak (about 5,000 WAL pages a second) a
 * checkpoint copies about 1,000 pages, SQLite's own default threshold.
 */
export const CHECKPOINT_INTERVAL_MS = 200;

/**
 * The checkpointer thread: its own connection copies what the writer committed from the WAL into
 * the database file (and syncs it) every `intervalMs`. PASSIVE never waits for a reader or the
 * writer, which keeps committing meanwhile; once everything is copied, the writer's next
 * transaction starts the WAL over. Plain JavaScript, evaluated: the thread needs no TypeScript
 * loader under ts-node or jest (it starts in about 35 ms instead of 280), and there is one per writer.
 * A failed run (another process checkpointing) is left to the next; the writer's backstop
 * (WRITER_CHECKPOINT_BACKSTOP) bounds the WAL if this thread ever falls behind or stops.
 */
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = ' + workerData.synchronous);
let timer = null;
const run = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  timer = setTimeout(run, workerData.intervalMs);
};
timer = setTimeout(run, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message.kind !== 'close') return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

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
  private checkpointer: Worker | null = null;
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

  /** Threads running: the writer's and its checkpointer's. */
  threads(): number {
    return (this.worker ? 1 : 0) + (this.checkpointer ? 1 : 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    const checkpointer = this.checkpointer;
    const exits = [worker, checkpointer].map((thread) => (thread ? new Promise<void>((resolve) => thread.once('exit', () => resolve())) : Promise.resolve()));
    if (worker) {
      worker.ref();
      this.post();
      worker.postMessage({ kind: 'close' });
    }
    checkpointer?.postMessage({ kind: 'close' });
    await Promise.all(exits);
  }

  private spawn(): Worker {
    const { file, execArgv } = workerEntry(__filename, 'sqlite-writer.worker');
    const checkpointMs = this.init.checkpointMs ?? CHECKPOINT_INTERVAL_MS;
    const worker = new Worker(file, { workerData: { ...this.init, checkpointMs }, execArgv });
    worker.unref();
    worker.on('message', (message: WriterGroupMessage) => this.settle(message));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new Error(`the SQLite writer thread exited (code ${code})`));
    });
    this.worker = worker;
    if (checkpointMs > 0 && !this.checkpointer) this.spawnCheckpointer(checkpointMs);
    return worker;
  }

  private spawnCheckpointer(intervalMs: number): void {
    const checkpointer = new Worker(CHECKPOINTER, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), file: this.init.file, synchronous: this.init.synchronous, intervalMs },
    });
    checkpointer.unref();
    // Its failure costs no write: the writer's backstop checkpoints meanwhile.
    checkpointer.on('error', () => undefined);
    checkpointer.on('exit', () => {
      if (this.checkpointer === checkpointer) this.checkpointer = null;
    });
    this.checkpointer = checkpointer;
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

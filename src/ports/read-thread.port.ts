import type { ReadStore } from './read-store.port';

export const READ_THREAD = Symbol('READ_THREAD');

/**
 * A read-only query of an upper layer, run off the main thread against the thread's own connection
 * to the store: the query module is loaded there and handed a read store of that connection.
 */
export type ThreadQuery<A, T> = (store: ReadStore, args: A) => Promise<T>;

/** Where a store can answer reads on a thread of its own (the SQLite file): the server's event loop keeps the work. */
export interface ReadThread {
  /**
   * Runs the function `name` exported by `module` (a path) with a read store of the thread's
   * connection and `args`; arguments and result cross the thread boundary (structured clone).
   */
  run<A, T>(module: string, name: string, args: A): Promise<T>;
  /** The thread that answered the last query (never the main thread's 0); null before the first. */
  readonly lastThreadId: number | null;
  /** Stops the thread; later queries fail. */
  close(): Promise<void>;
}

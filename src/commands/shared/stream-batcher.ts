import { Decider } from '../../domain/shared/decider';
import { DomainEvent } from '../../domain/shared/events';
import type { CommandContext, CommandResult } from '../../runtime/decide';

/** A command waiting for its stream, with the promise its sender awaits. */
export interface Queued<S, C, E extends DomainEvent> {
  readonly decider: Decider<S, C, E>;
  readonly command: C;
  readonly context: CommandContext;
  resolve(result: CommandResult<S, E>): void;
  reject(error: unknown): void;
}

type AnyQueued = Queued<unknown, unknown, DomainEvent>;

/** Enough to make one append of a hot stream carry most of what waits, small enough to stay one quick transaction. */
const MAX_BATCH = 256;

/**
 * Runs one batch per stream at a time, in arrival order; streams are independent. Commands that
 * arrive while their stream's batch is in flight wait and form the next batch (those of the same
 * decider, in order), as appends waiting for a commit form the next group.
 */
export class StreamBatcher {
  private readonly waiting = new Map<string, AnyQueued[]>();
  private readonly counters = { batches: 0, commands: 0, largest: 0 };

  constructor(private readonly run: (stream: string, batch: readonly AnyQueued[]) => Promise<void>) {}

  enqueue<S, C, E extends DomainEvent>(stream: string, decider: Decider<S, C, E>, command: C, context: CommandContext): Promise<CommandResult<S, E>> {
    return new Promise<CommandResult<S, E>>((resolve, reject) => {
      const queued: Queued<S, C, E> = { decider, command, context, resolve, reject };
      const queue = this.waiting.get(stream);
      if (queue) {
        queue.push(queued as unknown as AnyQueued);
        return;
      }
      this.waiting.set(stream, [queued as unknown as AnyQueued]);
      void this.drain(stream);
    });
  }

  stats(): { batches: number; commands: number; largest: number } {
    return { ...this.counters };
  }

  /** Streams with queued or running work. */
  get busyStreams(): number {
    return this.waiting.size;
  }

  private async drain(stream: string): Promise<void> {
    const queue = this.waiting.get(stream);
    if (!queue) return;
    // The entry stays while the stream is busy (a newcomer then only queues); the last batch out removes it.
    while (queue.length > 0) {
      const batch = takeBatch(queue);
      this.counters.batches += 1;
      this.counters.commands += batch.length;
      this.counters.largest = Math.max(this.counters.largest, batch.length);
      try {
        await this.run(stream, batch);
      } catch (error) {
        for (const queued of batch) queued.reject(error);
      }
    }
    this.waiting.delete(stream);
  }
}

function takeBatch(queue: AnyQueued[]): AnyQueued[] {
  const decider = queue[0].decider;
  let n = 1;
  while (n < queue.length && n < MAX_BATCH && queue[n].decider === decider) n++;
  return queue.splice(0, n);
}

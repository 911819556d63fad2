/**
 * Runs work for one stream one at a time, in arrival order, and work for different streams freely.
 * Within a process this turns the read → decide → append race on a hot stream into a queue, so a
 * command is refused only when its decider refuses it (or another process won the race).
 */
export class StreamQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(stream: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(stream) ?? Promise.resolve();
    const result = previous.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(stream, tail);
    // The map only holds streams with work in flight: the last one out removes its entry.
    void tail.then(() => {
      if (this.tails.get(stream) === tail) this.tails.delete(stream);
    });
    return result;
  }

  /** Streams with queued or running work (for metrics and tests). */
  get busyStreams(): number {
    return this.tails.size;
  }
}

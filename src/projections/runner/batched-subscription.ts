import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { RecordedEvent } from '../../domain/shared/events';

/**
 * Groups a catch-up subscription into batches: a batch closes when it is full or when the next
 * event is not already available (the subscription is at the head). Only one `next()` is ever
 * pending, so the consumer's pace still sets the subscription's pace.
 */
export async function* batches(source: AsyncIterable<RecordedEvent>, maxSize: number, signal?: AbortSignal): AsyncGenerator<RecordedEvent[]> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<RecordedEvent>> | null = null;
  let batch: RecordedEvent[] = [];
  const NOT_READY = Symbol('not-ready');
  try {
    while (!signal?.aborted) {
      pending ??= iterator.next();
      const result = batch.length === 0 ? await pending : await Promise.race([pending, nextMacrotask(NOT_READY)]);
      if (result === NOT_READY) {
        yield batch;
        batch = [];
        continue;
      }
      pending = null;
      if (result.done) break;
      batch.push(result.value);
      if (batch.length >= maxSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    await iterator.return?.();
  }
}

import { NewEvent, RecordedEvent, firstAfter } from '../../domain/shared/events';
import { UpcasterRegistry } from '../../domain/shared/upcasting';
import { AppendOutcome } from './sqlite-appender';

/** Events kept (the newest; older ones are dropped in blocks). */
const KEPT = 10_000;

/**
 * The events this process appended, as recorded (position order, newest last): a subscription
 * whose next event is here takes it from here instead of reading the row back and decoding its
 * JSON (the server's main thread, which limits it, spent about 3% of its time on that under the
 * corrections load). Events other processes appended are never here.
 */
export class OwnAppends {
  private readonly events: RecordedEvent[] = [];

  constructor(private readonly upcasters: UpcasterRegistry) {}

  /**
   * Keeps what an append recorded, as a read of the log would return it: the same data (never
   * changed after it is decided), the metadata with its hash, the revisions and positions given.
   * Groups are kept in commit order; an append that comes out of it is left to the file.
   */
  remember(stream: string, appended: readonly NewEvent[], outcome: AppendOutcome): void {
    const recorded = outcome.recorded;
    if (!recorded || outcome.positions.length !== appended.length) return;
    const last = this.events.length > 0 ? this.events[this.events.length - 1].position : 0;
    if (outcome.positions[0] <= last) return;
    const first = outcome.nextRevision - appended.length + 1;
    appended.forEach((event, i) => {
      this.events.push(
        this.upcasters.upcast({
          position: outcome.positions[i],
          eventId: event.eventId,
          stream,
          revision: first + i,
          type: event.type,
          data: event.data,
          metadata: { ...event.metadata, hash: recorded.hashes[i] },
          recordedAt: recorded.recordedAt,
        }),
      );
    });
    if (this.events.length > KEPT * 1.5) this.events.splice(0, this.events.length - KEPT);
  }

  /** The events right after `after`, while their positions follow on (at most `limit`). */
  following(after: number, limit: number): RecordedEvent[] {
    const lo = firstAfter(this.events, after);
    let end = lo;
    while (end < this.events.length && end - lo < limit && this.events[end].position === after + 1 + (end - lo)) end += 1;
    return end > lo ? this.events.slice(lo, end) : [];
  }

  /** The position of the first kept event after `after`, or null. */
  nextAfter(after: number): number | null {
    const i = firstAfter(this.events, after);
    return i < this.events.length ? this.events[i].position : null;
  }
}

import { EventStore } from '../../ports/event-store.port';
import { deterministicUuid } from '../../domain/shared/ids';

/**
 * The log position of the first event a command appended, found by its derived id. A retried
 * command appends nothing; its answer must still carry the first answer's position.
 */
export async function positionOfCommand(store: EventStore, stream: string, commandId: string, fallback: number): Promise<number> {
  const eventId = deterministicUuid(`${commandId}:0`);
  const events = await store.readStream(stream);
  return events.find((e) => e.eventId === eventId)?.position ?? fallback;
}

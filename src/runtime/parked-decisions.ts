import { Clock } from '../domain/shared/clock';
import { NotFoundError } from '../domain/shared/errors';
import { newId } from '../domain/shared/ids';
import { EventStore } from '../ports/event-store.port';
import { ParkDecision, ParkingLot } from './parking-lot';

export const OPS_HANDLERS_STREAM = 'ops-handlers';

export interface ParkedDecisionResult {
  readonly handler: string;
  readonly position: number;
  readonly decision: ParkDecision;
  readonly decided_by: string;
  readonly decided_at: string;
  readonly event_position: number;
}

/**
 * Ops' retry or skip of a parked event: recorded as an event on the ops stream (who, when, which
 * handler, which position), then handed to the parking lot the leader watches.
 */
export async function decideParked(
  deps: { parking: ParkingLot; events: EventStore; clock: Clock },
  handler: string,
  position: number,
  decision: ParkDecision,
  actorId: string,
): Promise<ParkedDecisionResult> {
  const parked = await deps.parking.get(handler, position);
  if (!parked || parked.decision !== null) throw new NotFoundError(`no event parked at position ${position} for ${handler}`);
  const at = deps.clock.now().toISOString();
  const appended = await deps.events.append(
    OPS_HANDLERS_STREAM,
    [
      {
        eventId: newId(),
        type: decision === 'retry' ? 'ParkedEventRetried' : 'ParkedEventSkipped',
        data: { handler, position, eventType: parked.event_type, error: parked.error, attempts: parked.attempts },
        metadata: { tenantId: null, actorId, correlationId: newId(), causationId: null, occurredAt: at, schemaVersion: 1 },
      },
    ],
    'any',
  );
  if (!(await deps.parking.decide(handler, position, decision))) throw new NotFoundError(`no event parked at position ${position} for ${handler}`);
  return { handler, position, decision, decided_by: actorId, decided_at: at, event_position: appended.position };
}

import { Principal } from '../../domain/shared/principal';

/** Who sends a command and why: becomes the metadata of every event it causes. */
export interface CommandContext {
  readonly tenantId: string | null;
  readonly actorId: string;
  /** Deterministic per logical command: retried sends produce the same event ids. */
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
}

export function contextFromPrincipal(principal: Principal, commandId: string, correlationId?: string): CommandContext {
  return { tenantId: principal.tenant, actorId: principal.sub, commandId, correlationId: correlationId ?? commandId, causationId: null };
}

/** A command caused by an event (a saga or a scheduled job): the event is its cause. */
export function contextFromEvent(
  event: { eventId: string; metadata: { tenantId: string | null; correlationId: string } },
  actorId: string,
  commandId: string,
): CommandContext {
  return { tenantId: event.metadata.tenantId, actorId, commandId, correlationId: event.metadata.correlationId, causationId: event.eventId };
}

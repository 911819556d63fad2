import { Command } from '@nestjs/cqrs';
import { Decider } from '../domain/shared/decider';
import { DomainEvent } from '../domain/shared/events';
import { Principal } from '../domain/shared/principal';
import { ClaimSlot } from '../ports/event-store.port';

/*
 * The one write message and its context: controllers, sagas and schedules build a `Decide`; the
 * command processor (commands/shared) handles it. It lives below every role so each may send it.
 */
/** Who sends a command and why: becomes the metadata of every event it causes. */
export interface CommandContext {
  readonly tenantId: string | null;
  readonly actorId: string;
  /** Deterministic per logical command: retried sends produce the same event ids. */
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  /**
   * The stream's name was just made from a fresh random id (newId), so it holds nothing: the
   * command is decided on an empty stream without reading it, and appended expecting none. Should
   * the stream exist after all, that append fails its check and the command is read and decided
   * again like any other. Never for a name a retry could repeat (one derived from an Idempotency-Key).
   */
  readonly freshStream?: boolean;
  /**
   * A document to write with the command's events, in their transaction (an `Idempotency-Key`'s
   * record), where the event store can; `written` tells the sender whether it was.
   */
  readonly claim?: ClaimSlot;
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

/** One event as the log recorded it: its id and log position. */
export interface RecordedRef {
  readonly eventId: string;
  readonly position: number;
}

export interface CommandResult<S, E extends DomainEvent> {
  readonly events: readonly E[];
  readonly state: S;
  /** Log position after the command: at or after its stream's last event (a string of digits on the wire). */
  readonly position: number;
  readonly revision: number | null;
  /**
   * This command's events as the log holds them, in order: those it appended or, for a retried
   * command whose events its first attempt recorded, those. Empty when it recorded nothing.
   */
  readonly recorded: readonly RecordedRef[];
}

/**
 * Where a read shows what a command recorded (the `position` of an HTTP answer): after its append
 * or, for a retry that appended nothing, where its first attempt's first event went (as the first
 * answer said).
 */
export function recordedPosition(result: CommandResult<unknown, DomainEvent>): number {
  return result.events.length > 0 ? result.position : (result.recorded[0]?.position ?? result.position);
}

/**
 * Every write goes through this one command on the CommandBus: a stream, its decider and the
 * domain command. Controllers, sagas and schedules only build it.
 */
export class Decide<S, C, E extends DomainEvent> extends Command<CommandResult<S, E>> {
  constructor(
    readonly stream: string,
    readonly decider: Decider<S, C, E>,
    readonly command: C,
    readonly context: CommandContext,
  ) {
    super();
  }
}

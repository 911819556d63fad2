import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { Decider } from '../../domain/shared/decider';
import { ConcurrencyError } from '../../domain/shared/errors';
import { DomainEvent, NewEvent } from '../../domain/shared/events';
import { deterministicUuid } from '../../domain/shared/ids';
import { UpcasterRegistry } from '../../domain/shared/upcasting';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { UPCASTERS } from '../../infrastructure/tokens';
import { CommandContext } from './command-context';
import { StreamQueue } from './stream-queue';

export interface CommandResult<S, E extends DomainEvent> {
  readonly events: readonly E[];
  readonly state: S;
  /** Log position of the stream's last event after the command (a string of digits on the wire). */
  readonly position: number;
  readonly revision: number | null;
}

const MAX_ATTEMPTS = 8;

/**
 * The one generic command handler: read stream → evolve → decide → append with expected revision.
 * Commands on one stream queue behind each other in this process, so commuting commands never
 * refuse each other; the expected-revision check and its retries remain for other processes.
 */
@Injectable()
export class CommandProcessor {
  private readonly queue = new StreamQueue();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(UPCASTERS) private readonly upcasters: UpcasterRegistry,
  ) {}

  handle<S, C, E extends DomainEvent>(stream: string, decider: Decider<S, C, E>, command: C, context: CommandContext): Promise<CommandResult<S, E>> {
    return this.queue.run(stream, () => this.decideAndAppend(stream, decider, command, context));
  }

  private async decideAndAppend<S, C, E extends DomainEvent>(stream: string, decider: Decider<S, C, E>, command: C, context: CommandContext): Promise<CommandResult<S, E>> {
    for (let attempt = 1; ; attempt++) {
      const history = await this.store.readStream(stream);
      let state = decider.initialState;
      for (const event of history) state = decider.evolve(state, event as unknown as E);
      const last = history[history.length - 1];
      const revision = last ? last.revision : null;
      const events = decider.decide(command, state);
      if (events.length === 0) return { events, state, position: last?.position ?? 0, revision };
      const occurredAt = this.clock.now().toISOString();
      const toAppend: NewEvent[] = events.map((event, i) => ({
        eventId: deterministicUuid(`${context.commandId}:${i}`),
        type: event.type,
        data: event.data,
        metadata: {
          tenantId: context.tenantId,
          actorId: context.actorId,
          correlationId: context.correlationId,
          causationId: context.causationId,
          occurredAt,
          schemaVersion: this.upcasters.currentVersion(event.type),
        },
      }));
      try {
        const result = await this.store.append(stream, toAppend, revision === null ? 'no_stream' : revision);
        for (const event of events) state = decider.evolve(state, event);
        return { events, state, position: result.position, revision: result.nextRevision };
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  }
}

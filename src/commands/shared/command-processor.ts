import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { Decider } from '../../domain/shared/decider';
import { ConcurrencyError } from '../../domain/shared/errors';
import { DomainEvent, NewEvent } from '../../domain/shared/events';
import { deterministicUuid } from '../../domain/shared/ids';
import { UpcasterRegistry } from '../../domain/shared/upcasting';
import { EVENT_STORE, EventStore } from '../../infrastructure/event-store/event-store.port';
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
/** Streams whose folded state this process keeps (least recently used dropped first). */
const CACHED_STREAMS = 5000;

interface Folded {
  readonly decider: unknown;
  readonly state: unknown;
  readonly revision: number | null;
  readonly position: number;
}

/**
 * The one generic command handler: read stream → evolve → decide → append with expected revision.
 * Commands on one stream queue behind each other in this process, so commuting commands never
 * refuse each other; the expected-revision check and its retries remain for other processes.
 */
@Injectable()
export class CommandProcessor {
  private readonly queue = new StreamQueue();
  /**
   * The state each recently used stream folded to, and at which revision, so a command on a hot
   * stream does not re-read and re-fold the whole stream (O(length) per command). Safe because
   * events are immutable, commands on one stream run one at a time here, and the append's
   * expected-revision check catches what another process appended meanwhile.
   */
  private readonly folded = new Map<string, Folded>();

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
      const known = this.folded.get(stream);
      const cached = known && known.decider === decider ? (known as Folded & { state: S }) : null;
      // With a folded state at hand the stream is not read at all: if another process appended
      // since, the append's expected revision fails, the entry is dropped and the retry reads.
      const history = cached ? [] : await this.store.readStream(stream);
      let state = cached ? cached.state : decider.initialState;
      for (const event of history) state = decider.evolve(state, event as unknown as E);
      const last = history[history.length - 1];
      const revision = last ? last.revision : (cached?.revision ?? null);
      const position = last ? last.position : (cached?.position ?? 0);
      this.remember(stream, { decider, state, revision, position });
      let events: readonly E[];
      try {
        events = decider.decide(command, state);
      } catch (refused) {
        // A refusal is answered from what the log holds now, never from a remembered state that
        // another process may have moved on: read the stream and decide again.
        if (!cached) throw refused;
        this.folded.delete(stream);
        continue;
      }
      if (events.length === 0) {
        if (!cached) return { events, state, position, revision };
        this.folded.delete(stream);
        continue;
      }
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
        // An append answered from an earlier identical one (a retried command) names that earlier
        // revision, not this stream's head: then nothing is remembered.
        if (result.nextRevision === (revision ?? -1) + events.length) this.remember(stream, { decider, state, revision: result.nextRevision, position: result.position });
        else this.folded.delete(stream);
        return { events, state, position: result.position, revision: result.nextRevision };
      } catch (error) {
        // What this process folded may be stale (another process appended) or the append's outcome
        // unknown: fold the stream from its start next time.
        this.folded.delete(stream);
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  }

  private remember(stream: string, folded: Folded): void {
    this.folded.delete(stream);
    this.folded.set(stream, folded);
    if (this.folded.size > CACHED_STREAMS) this.folded.delete(this.folded.keys().next().value as string);
  }
}

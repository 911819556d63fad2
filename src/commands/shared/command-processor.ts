import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { Decider } from '../../domain/shared/decider';
import { ConcurrencyError } from '../../domain/shared/errors';
import { DomainEvent, NewEvent, RecordedEvent } from '../../domain/shared/events';
import { deterministicUuid } from '../../domain/shared/ids';
import { UPCASTER_REGISTRY, UpcasterRegistry } from '../../domain/shared/upcasting';
import { AppendClaim, AppendResult, ClaimSlot, EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { CommandContext, CommandResult, RecordedRef } from '../../runtime/decide';
import { DecidedBatch, decideBatch } from './stream-batch';
import { Queued, StreamBatcher } from './stream-batcher';

const MAX_ATTEMPTS = 8;
/** Streams whose folded state this process keeps (least recently used dropped first). */
const CACHED_STREAMS = 5000;

interface Folded {
  readonly decider: unknown;
  readonly state: unknown;
  readonly revision: number | null;
  readonly position: number;
}

type AnyQueued = Queued<unknown, unknown, DomainEvent>;

/**
 * The one generic command handler: read stream → evolve → decide → append with expected revision.
 * Commands on one stream queue in this process; those waiting together are decided from one read
 * of the stream and appended in one append, so commuting commands never refuse each other and a
 * hot stream costs one read and one commit per batch, not per command. The expected-revision check
 * and its retries remain for other processes.
 */
@Injectable()
export class CommandProcessor {
  private readonly batcher = new StreamBatcher((stream, batch) => this.runBatch(stream, batch));
  /**
   * The state each recently used stream folded to, and at which revision, so a batch on a hot
   * stream does not re-read and re-fold the whole stream. Safe because events are immutable, one
   * batch of a stream runs at a time here, the append's expected revision catches what another
   * process appended meanwhile, and a refusal or a no-op is only ever answered from a fresh read.
   */
  private readonly folded = new Map<string, Folded>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(UPCASTER_REGISTRY) private readonly upcasters: UpcasterRegistry,
  ) {}

  handle<S, C, E extends DomainEvent>(stream: string, decider: Decider<S, C, E>, command: C, context: CommandContext): Promise<CommandResult<S, E>> {
    return this.batcher.enqueue(stream, decider, command, context);
  }

  /** Batches decided and commands per batch so far (for benchmarks and tests). */
  batchStats(): { batches: number; commands: number; largest: number } {
    return this.batcher.stats();
  }

  private async runBatch(stream: string, batch: readonly AnyQueued[]): Promise<void> {
    const decider = batch[0].decider;
    // A stream named from a fresh random id holds nothing: decided on an empty stream, no read.
    let fresh = batch.every((q) => q.context.freshStream === true);
    for (let attempt = 1; ; attempt++) {
      const alone: AnyQueued[] = [];
      try {
        const cached = this.folded.get(stream);
        const known = cached && cached.decider === decider ? cached : undefined;
        const assumed = !known && fresh;
        const history = known || assumed ? [] : await this.store.readStream(stream);
        const decided = decideBatch(
          decider,
          history,
          batch.map((q) => ({ command: q.command, eventIdAt: (i: number) => eventId(q.context, i) })),
          known,
        );
        if ((known || assumed) && decided.outcomes.some((o) => o.kind !== 'accepted')) {
          // Refusals and no-ops are answered from what the log holds now, never from a remembered
          // (or assumed) state another process may have moved on: read the stream and decide again.
          this.folded.delete(stream);
          fresh = false;
          attempt -= 1;
          continue;
        }
        const occurredAt = this.clock.now().toISOString();
        const toAppend = decided.events.map(({ event, command, index }) => this.newEvent(event, batch[command].context, index, occurredAt));
        // The claims of the commands whose events this append writes, where the store writes them.
        const slots = this.store.writesClaims() ? claimSlots(batch, decided) : [];
        const appended = toAppend.length > 0 ? await this.appendBatch(stream, toAppend, decided.revision, batch.length, slots) : null;
        if (appended && appended !== 'separately') for (const slot of slots) slot.written = true;
        if (appended === 'separately') {
          this.folded.delete(stream);
          await this.runAlone(stream, batch);
          return;
        }
        if (!appended) this.remember(stream, { decider, state: decided.state, revision: decided.revision, position: decided.lastPosition });
        // An append answered from an earlier identical one (a retried command) names that earlier
        // revision, not this stream's head: then nothing is remembered.
        else if (appended.nextRevision === (decided.revision ?? -1) + toAppend.length) this.remember(stream, { decider, state: decided.state, revision: appended.nextRevision, position: appended.position });
        else this.folded.delete(stream);
        alone.push(...answer(batch, decided, history, toAppend, appended));
      } catch (error) {
        // What this process folded may be stale (another process appended) or the outcome unknown;
        // a stream assumed fresh was not.
        this.folded.delete(stream);
        fresh = false;
        if (error instanceof ConcurrencyError && attempt < MAX_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
          continue;
        }
        for (const queued of batch) queued.reject(error);
        return;
      }
      await this.runAlone(stream, alone);
      return;
    }
  }

  private remember(stream: string, folded: Folded): void {
    this.folded.delete(stream);
    this.folded.set(stream, folded);
    if (this.folded.size > CACHED_STREAMS) this.folded.delete(this.folded.keys().next().value as string);
  }

  /**
   * One append for the batch. A batch of several commands whose append fails for a reason other
   * than a lost race (an event id used elsewhere, say) is retried command by command, so each gets
   * its own answer as if it had come alone.
   */
  private async appendBatch(stream: string, events: readonly NewEvent[], revision: number | null, commands: number, slots: readonly ClaimSlot[]) {
    const claims: AppendClaim[] = slots.map((s) => s.claim);
    try {
      return await this.store.append(stream, events, revision === null ? 'no_stream' : revision, claims.length > 0 ? { claims } : undefined);
    } catch (error) {
      // A claim taken by another document fails its own command only: the batch goes one by one.
      if (error instanceof ConcurrencyError || commands === 1) throw error;
      return 'separately' as const;
    }
  }

  private async runAlone(stream: string, queued: readonly AnyQueued[]): Promise<void> {
    for (const one of queued) await this.runBatch(stream, [one]);
  }

  private newEvent(event: DomainEvent, context: CommandContext, index: number, occurredAt: string): NewEvent {
    return {
      eventId: eventId(context, index),
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
    };
  }
}

/** Each command's event ids, by index: a command's batch asks for them up to three times (decide, append, answer). */
const eventIds = new WeakMap<CommandContext, string[]>();

/** The claims of the batch's accepted commands (those whose events the append writes). */
function claimSlots(batch: readonly AnyQueued[], decided: DecidedBatch<unknown, DomainEvent>): ClaimSlot[] {
  const slots: ClaimSlot[] = [];
  decided.outcomes.forEach((outcome, i) => {
    const slot = batch[i].context.claim;
    if (slot && outcome.kind === 'accepted') slots.push(slot);
  });
  return slots;
}

function eventId(context: CommandContext, index: number): string {
  let ids = eventIds.get(context);
  if (!ids) eventIds.set(context, (ids = []));
  return (ids[index] ??= deterministicUuid(`${context.commandId}:${index}`));
}

/**
 * Resolves or rejects each command of a decided batch; returns those to run alone. Each answer
 * names the command's events as recorded: from this append or, for a retry that changed nothing,
 * from the stream just read (a no-op is only ever decided on a fresh read), or from this append
 * when its twin in the batch appended them.
 */
function answer(
  batch: readonly AnyQueued[],
  decided: DecidedBatch<unknown, DomainEvent>,
  history: readonly RecordedEvent[],
  toAppend: readonly NewEvent[],
  appended: AppendResult | null,
): AnyQueued[] {
  const positions = new Map<string, number>();
  if (decided.outcomes.some((o) => o.kind === 'unchanged')) for (const e of history) positions.set(e.eventId, e.position);
  if (appended) toAppend.forEach((e, i) => positions.set(e.eventId, appended.positions[i]));
  const alone: AnyQueued[] = [];
  decided.outcomes.forEach((outcome, i) => {
    const queued = batch[i];
    if (outcome.kind === 'refused') queued.reject(outcome.error);
    else if (outcome.kind === 'alone') alone.push(queued);
    else if (outcome.kind === 'unchanged') {
      queued.resolve({ events: [], state: outcome.state, position: decided.lastPosition, revision: decided.revision, recorded: recordedOf(queued.context, positions) });
    } else if (appended) {
      const after = toAppend.length - 1 - outcome.endIndex;
      const recorded = recordedOf(queued.context, positions, outcome.events.length);
      queued.resolve({ events: outcome.events, state: outcome.state, position: appended.position, revision: appended.nextRevision - after, recorded });
    }
  });
  return alone;
}

/** The command's events found among `positions` by their ids: `count` of them, or as many as are there. */
function recordedOf(context: CommandContext, positions: ReadonlyMap<string, number>, count = Infinity): RecordedRef[] {
  const recorded: RecordedRef[] = [];
  for (let index = 0; index < count; index++) {
    const id = eventId(context, index);
    const position = positions.get(id);
    if (position === undefined) break;
    recorded.push({ eventId: id, position });
  }
  return recorded;
}

import { Decider } from '../../domain/shared/decider';
import { DomainEvent, RecordedEvent } from '../../domain/shared/events';

/** One queued command of a batch, with the event ids its events will get (by index). */
export interface BatchCommand<C> {
  readonly command: C;
  readonly eventIdAt: (index: number) => string;
}

/** What the fold decided for one command of the batch. */
export type BatchOutcome<S, E extends DomainEvent> =
  | { readonly kind: 'accepted'; readonly events: readonly E[]; readonly state: S; readonly endIndex: number }
  | { readonly kind: 'unchanged'; readonly state: S }
  | { readonly kind: 'refused'; readonly error: unknown }
  /** Its event ids are already stored or queued (a retried command): it goes through alone, where the store's idempotency answers it. */
  | { readonly kind: 'alone' };

export interface DecidedBatch<S, E extends DomainEvent> {
  readonly outcomes: readonly BatchOutcome<S, E>[];
  /** The accepted commands' events in command order: one append. */
  readonly events: readonly { readonly event: E; readonly command: number; readonly index: number }[];
  readonly revision: number | null;
  readonly lastPosition: number;
  /** The state after every accepted command's events. */
  readonly state: S;
}

/** Where the fold starts when the stream's state is already known (no read): its state, revision and position. */
export interface KnownStream<S> {
  readonly state: S;
  readonly revision: number | null;
  readonly position: number;
}

/**
 * Decides several commands of one stream from one read of it: the decider folds over them in
 * arrival order, each seeing the state its predecessors left, exactly as if they had run one
 * after the other. A refused command keeps its own error and changes nothing for the others.
 */
export function decideBatch<S, C, E extends DomainEvent>(
  decider: Decider<S, C, E>,
  history: readonly RecordedEvent[],
  commands: readonly BatchCommand<C>[],
  known?: KnownStream<S>,
): DecidedBatch<S, E> {
  let state = known ? known.state : decider.initialState;
  for (const event of history) state = decider.evolve(state, event as unknown as E);
  const last = history[history.length - 1];
  const seen = new Set(history.map((e) => e.eventId));
  const outcomes: BatchOutcome<S, E>[] = [];
  const events: { event: E; command: number; index: number }[] = [];
  commands.forEach((queued, i) => {
    let decided: readonly E[];
    try {
      decided = decider.decide(queued.command, state);
    } catch (error) {
      outcomes.push({ kind: 'refused', error });
      return;
    }
    if (decided.length === 0) {
      outcomes.push({ kind: 'unchanged', state });
      return;
    }
    const ids = decided.map((_, index) => queued.eventIdAt(index));
    if (commands.length > 1 && ids.some((id) => seen.has(id))) {
      outcomes.push({ kind: 'alone' });
      return;
    }
    for (const id of ids) seen.add(id);
    decided.forEach((event, index) => {
      state = decider.evolve(state, event);
      events.push({ event, command: i, index });
    });
    outcomes.push({ kind: 'accepted', events: decided, state, endIndex: events.length - 1 });
  });
  return { outcomes, events, revision: last ? last.revision : (known?.revision ?? null), lastPosition: last?.position ?? known?.position ?? 0, state };
}

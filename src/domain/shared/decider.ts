import { DomainEvent } from './events';

/**
 * A stream's behaviour: fold past events into state, then decide which new events a command
 * causes. `decide` returns `[]` for a command already applied (recognised by its id) and throws a
 * DomainError when a rule is broken. Pure: no I/O, no clock (time arrives inside the command).
 */
export interface Decider<S, C, E extends DomainEvent = DomainEvent> {
  readonly initialState: S;
  evolve(state: S, event: E): S;
  decide(command: C, state: S): readonly E[];
}

import { setTimeout as sleep } from 'node:timers/promises';
import { RecordedEvent } from '../domain/shared/events';
import { ParkedEvent, ParkingLot } from './parking-lot';

export interface SupervisionPolicy {
  /** Attempts before the event is parked. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** How often a parked handler looks for ops' decision. */
  readonly decisionPollMs: number;
}

export const DEFAULT_SUPERVISION: SupervisionPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 10_000, decisionPollMs: 200 };

export interface SupervisorLogger {
  log(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

export type Outcome = 'handled' | 'skipped' | 'aborted';

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function backoffMs(policy: SupervisionPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs one handler on one event until it succeeds: retries with capped exponential backoff, then
 * parks the event and waits for ops to retry or skip it. Never throws: the caller's loop, and the
 * process, survive any handler failure. Only this handler waits; the others keep running.
 */
export async function superviseEvent(
  handler: string,
  event: RecordedEvent,
  attempt: () => Promise<void>,
  deps: { policy: SupervisionPolicy; parking: ParkingLot; signal: AbortSignal; logger?: SupervisorLogger; onParked?: (p: ParkedEvent | null) => void },
): Promise<Outcome> {
  const { policy, parking, signal, logger } = deps;
  // A rebuild meets the events ops skipped on the live generation: they stay skipped.
  if (await parking.wasSkipped(handler, event.position).catch(() => false)) {
    logger?.log('event skipped as recorded', { handler, position: event.position, type: event.type });
    return 'skipped';
  }
  for (;;) {
    let lastError = '';
    for (let n = 1; n <= policy.maxAttempts; n++) {
      if (signal.aborted) return 'aborted';
      try {
        await attempt();
        if (n > 1 || (await parking.get(handler, event.position).catch(() => null))) await parking.release(handler, event.position).catch(() => undefined);
        deps.onParked?.(null);
        return 'handled';
      } catch (error) {
        lastError = errorMessage(error);
        logger?.error('handler failed; will retry', { handler, position: event.position, type: event.type, attempt: n, error: lastError });
        if (n < policy.maxAttempts && !(await pause(backoffMs(policy, n), signal))) return 'aborted';
      }
    }
    const parked = await parkDurably(handler, event, lastError, policy, deps);
    if (!parked) return 'aborted';
    deps.onParked?.(parked);
    logger?.error('event parked', { handler, position: event.position, type: event.type, attempts: policy.maxAttempts, error: lastError });
    const decision = await awaitDecision(handler, event.position, deps);
    if (decision === null) return 'aborted';
    logger?.log('parked event decided', { handler, position: event.position, decision });
    if (decision === 'skip') {
      await parking.recordSkip(parked).catch(() => undefined);
      await parking.release(handler, event.position).catch(() => undefined);
      deps.onParked?.(null);
      return 'skipped';
    }
    // Retry: another full round of attempts; the entry stays listed until one succeeds.
    await parking.park({ handler, position: event.position, event_type: event.type, error: lastError, attempts: policy.maxAttempts }).catch(() => undefined);
  }
}

/** Writing the parked entry may itself fail (the store is down): keep trying until stopped. */
async function parkDurably(
  handler: string,
  event: RecordedEvent,
  error: string,
  policy: SupervisionPolicy,
  deps: { parking: ParkingLot; signal: AbortSignal; logger?: SupervisorLogger },
): Promise<ParkedEvent | null> {
  for (let n = 1; !deps.signal.aborted; n++) {
    try {
      return await deps.parking.park({ handler, position: event.position, event_type: event.type, error, attempts: policy.maxAttempts });
    } catch (e) {
      deps.logger?.error('could not park event; will retry', { handler, position: event.position, error: errorMessage(e) });
      if (!(await pause(backoffMs(policy, n), deps.signal))) return null;
    }
  }
  return null;
}

async function awaitDecision(handler: string, position: number, deps: { policy: SupervisionPolicy; parking: ParkingLot; signal: AbortSignal }): Promise<'retry' | 'skip' | null> {
  while (!deps.signal.aborted) {
    const parked = await deps.parking.get(handler, position).catch(() => undefined);
    if (parked === null) return 'retry';
    if (parked?.decision) return parked.decision;
    if (!(await pause(deps.policy.decisionPollMs, deps.signal))) return null;
  }
  return null;
}

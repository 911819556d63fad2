import { setTimeout as sleep } from 'node:timers/promises';
import { ReadStore } from '../ports/read-store.port';
import { SupervisorLogger, errorMessage } from './supervisor';

export const RUNNER_LEASE = 'projection-runner';

export type RunnerRole = 'leader' | 'standby' | 'stopped';

export interface LeaderCallbacks {
  /** Became leader: start projections and sagas (resolves once they caught up). */
  elected(): Promise<void>;
  /** Lost the lease (or stopping): stop writing at once. */
  demoted(): Promise<void>;
}

/**
 * One instance holds the runner lease and runs projections and sagas; the others stand by and try
 * to take it every third of a lease period, so one takes over within two periods of the leader's
 * death. The leader renews every third of a period; a renewal that fails demotes it, and every
 * checkpoint write is fenced by the lease in the store, so a paused leader cannot write late.
 */
export class LeaderElection {
  private current: RunnerRole = 'stopped';
  private loop: Promise<void> | null = null;
  private abort = new AbortController();
  private transition: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ReadStore,
    readonly owner: string,
    private readonly ttlMs: number,
    private readonly logger?: SupervisorLogger,
  ) {}

  get role(): RunnerRole {
    return this.current;
  }

  get fence(): { lease: string; owner: string } {
    return { lease: RUNNER_LEASE, owner: this.owner };
  }

  /** Resolves after the first round: as leader once caught up, or at once as standby. */
  async campaign(callbacks: LeaderCallbacks): Promise<void> {
    this.abort = new AbortController();
    this.current = 'standby';
    await this.round(callbacks);
    await this.transition;
    this.loop = this.run(callbacks);
  }

  async stop(callbacks: LeaderCallbacks): Promise<void> {
    if (this.current === 'stopped') return;
    this.abort.abort();
    await this.loop?.catch(() => undefined);
    await this.transition.catch(() => undefined);
    if (this.current === 'leader') {
      await callbacks.demoted().catch(() => undefined);
      await this.store.releaseLease(RUNNER_LEASE, this.owner).catch(() => undefined);
    }
    this.current = 'stopped';
  }

  private async run(callbacks: LeaderCallbacks): Promise<void> {
    const period = Math.max(50, Math.floor(this.ttlMs / 3));
    for (;;) {
      try {
        await sleep(period, undefined, { signal: this.abort.signal });
      } catch {
        return;
      }
      await this.round(callbacks);
    }
  }

  private async round(callbacks: LeaderCallbacks): Promise<void> {
    let holds = false;
    try {
      holds = await this.store.acquireLease(RUNNER_LEASE, this.owner, this.ttlMs);
    } catch (error) {
      this.logger?.error('runner lease renewal failed', { owner: this.owner, error: errorMessage(error) });
    }
    if (this.abort.signal.aborted) return;
    if (holds && this.current !== 'leader') {
      this.current = 'leader';
      this.logger?.log('runner lease taken: leading projections and sagas', { owner: this.owner });
      // Not awaited by the renewal loop: catching up may take longer than a lease period.
      this.transition = this.transition.then(() => callbacks.elected()).catch((error: unknown) => this.logger?.error('starting runners failed', { error: errorMessage(error) }));
    } else if (!holds && this.current === 'leader') {
      this.current = 'standby';
      this.logger?.error('runner lease lost: standing by', { owner: this.owner });
      this.transition = this.transition.then(() => callbacks.demoted()).catch((error: unknown) => this.logger?.error('stopping runners failed', { error: errorMessage(error) }));
    }
  }
}

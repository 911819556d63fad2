import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { APP_ROLE, AppRole } from '../../ports/app-role';
import { LeaderElection } from '../leader-election';
import { SagaRunner } from '../saga-runner';
import { ProjectionRunner } from '../projection-runner';

/**
 * Starts the runners once every module has registered its projections and sagas, when this
 * instance holds the runner lease, and reports ready only after the projections caught up.
 */
@Injectable()
export class ReadinessService implements OnApplicationBootstrap {
  ready = false;

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly sagas: SagaRunner,
    private readonly election: LeaderElection,
    @Inject(APP_ROLE) private readonly role: AppRole,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.role !== 'server') return;
    // The leader is ready once caught up; a standby serves commands and queries at once.
    await this.election.campaign({
      elected: async () => {
        await this.runner.lead();
        await this.sagas.start();
      },
      demoted: async () => {
        await this.sagas.stop();
        await this.runner.stop();
      },
    });
    this.ready = true;
  }
}

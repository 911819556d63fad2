import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { APP_ROLE, AppRole } from '../../infrastructure/infrastructure.module';
import { SagaRunner } from '../../sagas/saga-runner';
import { ProjectionRunner } from '../runner/projection-runner';

/**
 * Starts the runners once every module has registered its projections and sagas, and reports
 * ready only after the projections caught up with the log.
 */
@Injectable()
export class ReadinessService implements OnApplicationBootstrap {
  ready = false;

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly sagas: SagaRunner,
    @Inject(APP_ROLE) private readonly role: AppRole,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.role !== 'server') return;
    await this.runner.start();
    await this.sagas.start();
    this.ready = true;
  }
}

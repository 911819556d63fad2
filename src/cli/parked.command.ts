import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option } from 'nest-commander';
import { CLOCK, Clock } from '../domain/shared/clock';
import { NotFoundError } from '../domain/shared/errors';
import { EVENT_STORE, EventStore } from '../ports/event-store.port';
import { ProjectionRunner } from '../runtime/projection-runner';
import { SagaRunner } from '../runtime/saga-runner';
import { decideParked } from '../runtime/parked-decisions';
import { fail, jsonLine } from './output';

abstract class ParkedDecisionCommand extends CommandRunner {
  protected abstract readonly decision: 'retry' | 'skip';
  private actor = 'cli';

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly sagas: SagaRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  @Option({ flags: '--actor <id>', description: 'who decides (recorded on the ops stream); default cli' })
  parseActor(value: string): string {
    this.actor = value;
    return value;
  }

  async run([name, position]: string[]): Promise<void> {
    if (!/^[1-9][0-9]{0,15}$/.test(position ?? '')) fail(`position must be a positive integer, got ${position}`, 2);
    const handler = this.runner.list().some((p) => p.name === name) ? `projection:${name}` : this.sagas.names().includes(name) ? `saga:${name}` : null;
    if (!handler) fail(`no projection or saga named ${name}`, 2);
    try {
      jsonLine(await decideParked({ parking: this.runner.parking, events: this.events, clock: this.clock }, handler, Number(position), this.decision, this.actor));
    } catch (error) {
      if (error instanceof NotFoundError) fail(error.message, 3);
      throw error;
    }
  }
}

@Command({ name: 'projections:retry', arguments: '<name> <position>', description: 'retry the event parked at <position> for a projection or saga (the running leader applies it)' })
export class ProjectionsRetryCommand extends ParkedDecisionCommand {
  protected readonly decision = 'retry';
}

@Command({ name: 'projections:skip', arguments: '<name> <position>', description: 'skip the event parked at <position> for a projection or saga (recorded on the ops stream)' })
export class ProjectionsSkipCommand extends ParkedDecisionCommand {
  protected readonly decision = 'skip';
}

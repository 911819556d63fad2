import { Inject } from '@nestjs/common';
import { Command, CommandRunner } from 'nest-commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { READ_STORE, ReadStore } from '../ports/read-store.port';
import { ProjectionRunner, RUNNER_LEASE } from '../runtime/projection-runner';
import { fail, jsonLine, progress } from './output';

@Command({ name: 'projections:list', description: 'each projection with version, checkpoint, lag and status (JSON lines)' })
export class ProjectionsListCommand extends CommandRunner {
  constructor(private readonly runner: ProjectionRunner) {
    super();
  }

  async run(): Promise<void> {
    for (const p of await this.runner.status()) jsonLine(p);
  }
}

/**
 * Rebuild blue/green. If a server holds the runner lease, it performs the rebuild and this command
 * follows its progress; otherwise this process takes the lease and rebuilds, so the two never race.
 */
@Command({ name: 'projections:rebuild', arguments: '<name>', description: 'rebuild a projection blue/green, with progress' })
export class ProjectionsRebuildCommand extends CommandRunner {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(READ_STORE) private readonly reads: ReadStore,
  ) {
    super();
  }

  async run([name]: string[]): Promise<void> {
    if (!this.runner.list().some((p) => p.name === name)) fail(`unknown projection ${name}; known: ${this.runner.list().map((p) => p.name).join(', ')}`, 2);
    const before = (await this.runner.catalog.state(name))?.lastRebuild?.at ?? null;
    const started = Date.now();
    await this.runner.requestRebuild(name);
    const holder = await this.reads.leaseHolder(RUNNER_LEASE);
    const local = !holder;
    if (holder) progress(`a running service (${holder.owner}) holds the projection lease: it performs the rebuild; following progress`);
    else progress('no running service holds the projection lease: rebuilding in this process');
    const runningHere = local ? this.runner.start() : Promise.resolve();
    let last = '';
    for (;;) {
      // Another process took the lease: this one's writes are fenced out, so retrying is pointless.
      if (local && this.runner.leaseLost) {
        await this.runner.stop();
        fail(`rebuild of ${name} stopped: ${this.runner.leaseLost}; run it again (the new holder serves the projections)`);
      }
      const state = await this.runner.catalog.state(name);
      const status = (await this.runner.status()).find((p) => p.name === name);
      if (state && !state.building && !state.rebuildRequestedAt && state.lastRebuild && state.lastRebuild.at !== before) break;
      if (status?.building) {
        const head = status.checkpoint + status.lag;
        const line = `rebuilding ${name} v${status.building.version} generation ${status.building.generation}: position ${status.building.checkpoint}/${head} (${head ? Math.floor((100 * status.building.checkpoint) / head) : 100}%)`;
        if (line !== last) progress(line);
        last = line;
      }
      await sleep(250);
    }
    await runningHere;
    if (local) await this.runner.stop();
    const final = await this.runner.catalog.state(name);
    jsonLine({ projection: name, status: 'rebuilt', active: final?.active, last_rebuild: final?.lastRebuild, wall_seconds: (Date.now() - started) / 1000 });
  }
}

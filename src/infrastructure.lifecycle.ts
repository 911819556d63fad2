import type { Pool } from 'pg';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from './config';
import { JsonLogger } from './infrastructure/observability/json-logger';
import { MetricsService } from './infrastructure/observability/metrics.service';
import { SqliteHandle } from './infrastructure/sqlite/sqlite-database';
import { SqliteWriter } from './infrastructure/sqlite/sqlite-writer';
import { POSTGRES, SQLITE, SQLITE_WRITER } from './infrastructure/tokens';
import { APP_ROLE, AppRole } from './ports/app-role';
import { EVENT_STORE, EventStore } from './ports/event-store.port';
import { OCR_ENGINE, OcrEngine } from './ports/ocr-engine.port';
import { READ_STORE, ReadStore } from './ports/read-store.port';
import { READ_THREAD, ReadThread } from './ports/read-thread.port';
import { LeaderElection } from './runtime/leader-election';
import { OpsLog } from './runtime/ops-log';
import { ProjectionRunner } from './runtime/projection-runner';
import { SagaRunner } from './runtime/saga-runner';
import { SharedLog } from './runtime/shared-log';

/** Starts the OCR pool with the server; closes what the module opened, after the runners stopped. */
@Injectable()
export class InfrastructureLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(APP_ROLE) private readonly role: AppRole,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OCR_ENGINE) private readonly ocr: OcrEngine,
    private readonly runner: ProjectionRunner,
    private readonly sagas: SagaRunner,
    private readonly election: LeaderElection,
    private readonly log: SharedLog,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    @Optional() @Inject(SQLITE) private readonly sqlite: SqliteHandle | null,
    @Optional() @Inject(SQLITE_WRITER) private readonly writer: SqliteWriter | null,
    @Optional() @Inject(READ_THREAD) private readonly readThread: ReadThread | null,
    @Optional() @Inject(POSTGRES) private readonly postgres: Pool | null,
    private readonly logger: JsonLogger,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.sagas.register(new OpsLog(this.logger));
    const writer = this.writer;
    if (writer) {
      this.metrics.onCollect(async () => {
        const stats = writer.stats();
        this.metrics.writeGroups.set(stats.groups);
        this.metrics.writeOperations.set(stats.operations);
        this.metrics.writeLargestGroup.set(stats.largestGroup);
      });
    }
  }

  onApplicationBootstrap(): void {
    // Not awaited: the pool warms up while projections catch up; a request waits for it.
    if (this.role === 'server' && this.config.ocrEagerStart) this.ocr.start().catch(() => undefined);
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.runnerLogger('ops').log('shutdown', { event: 'Shutdown', signal: signal ?? null, role: this.role, correlation_id: `shutdown:${randomUUID()}` });
    const stopRunners = async () => {
      await this.sagas.stop();
      await this.runner.stop();
    };
    // Stops the runners before giving the lease up, so their last checkpoint writes are not fenced.
    await this.election.stop({ elected: async () => undefined, demoted: stopRunners });
    await stopRunners();
    await this.log.stop();
    await this.ocr.stop();
    await this.events.close();
    await this.reads.close();
    await this.readThread?.close();
    await this.writer?.close();
    if (this.sqlite?.open) this.sqlite.close();
    await this.postgres?.end();
  }
}

import { APP_ROLE, AppRole } from './ports/app-role';
import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit, Optional, Provider } from '@nestjs/common';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from './config';
import { CLOCK, Clock, SystemClock } from './domain/shared/clock';
import { UPCASTER_REGISTRY, UpcasterRegistry } from './domain/shared/upcasting';
import { UPCASTERS as ALL_UPCASTERS } from './domain/upcasters';
import { LeaderElection } from './runtime/leader-election';
import { ProjectionRunner } from './runtime/projection-runner';
import { SagaRunner } from './runtime/saga-runner';
import { SharedLog } from './runtime/shared-log';
import { DEFAULT_SUPERVISION, SupervisionPolicy } from './runtime/supervisor';
import { JwtService, resolveJwtSecret } from './infrastructure/auth/jwt';
import { EVENT_STORE, EventStore } from './ports/event-store.port';
import { resolveMasterKey } from './infrastructure/privacy/master-key';
import { PersonalData } from './infrastructure/privacy/personal-data';
import { KEY_STORE, KeyStore } from './infrastructure/privacy/key-store.port';
import { PERSONAL_DATA_RETENTION } from './ports/personal-data-retention.port';
import { PERSONAL_DATA, PersonalDataPort } from './ports/personal-data.port';
import { PostgresKeyStore } from './infrastructure/privacy/postgres-key-store';
import { SqliteKeyStore } from './infrastructure/privacy/sqlite-key-store';
import { EventStoreDbEventStore } from './infrastructure/event-store/eventstoredb-event-store';
import { SqliteEventStore } from './infrastructure/event-store/sqlite-event-store';
import { JsonLogger } from './infrastructure/observability/json-logger';
import { OpsLog } from './runtime/ops-log';
import { MetricsService } from './infrastructure/observability/metrics.service';
import { DOMAIN_METRICS } from './ports/domain-metrics.port';
import { MongoReadStore } from './infrastructure/read-store/mongo-read-store';
import { READ_STORE, ReadStore } from './ports/read-store.port';
import { SqliteReadStore } from './infrastructure/read-store/sqlite-read-store';
import { SqliteHandle, openSqlite } from './infrastructure/sqlite/sqlite-database';
import { SqliteWriter } from './infrastructure/sqlite/sqlite-writer';
import { MlCompute } from './infrastructure/compute/ml-compute';
import { ML_COMPUTE } from './ports/ml-compute.port';
import { SQLITE, SQLITE_WRITER } from './infrastructure/tokens';
import type { Pool } from 'pg';
import { openPostgres } from './infrastructure/postgres/postgres-pool';
import { PostgresEventStore } from './infrastructure/postgres/postgres-event-store';
import { PostgresReadStore } from './infrastructure/postgres/postgres-read-store';
import { PostgresBlobStore } from './infrastructure/postgres/postgres-blob-store';

/** The PostgreSQL pool when DATABASE_URL is set, else null. */
export const POSTGRES = Symbol('POSTGRES');
import { BLOB_STORE } from './ports/blob-store.port';
import { FileSystemBlobStore } from './infrastructure/blobs/file-system-blob.store';
import { INFERENCE_RUNTIME } from './ports/inference-runtime.port';
import { OnnxInferenceRuntime } from './infrastructure/inference/onnx-inference-runtime';
import { LazyOcrEngine } from './infrastructure/ocr/lazy-ocr-engine';
import { OCR_ENGINE, OcrEngine } from './ports/ocr-engine.port';
import { TesseractOcrEngine } from './infrastructure/ocr/tesseract-ocr.engine';
import { PaddleWorkerPool } from './infrastructure/ocr/paddle/paddle-worker-pool';
import { buildOcrEngine } from './infrastructure/ocr/per-mode-ocr.engine';
import { MutableOcrCalibrations, OCR_CALIBRATIONS } from './ports/ocr-calibrations.port';
import { defaultActiveCalibrations } from './infrastructure/ocr/calibration/default-calibrations';

// Re-exported for code that still imports them from here; new code imports src/ports/app-role.
export { APP_ROLE } from './ports/app-role';
export type { AppRole } from './ports/app-role';

export interface InfrastructureOverrides {
  readonly clock?: Clock;
  readonly role?: AppRole;
  /** Tests may swap the OCR engine for a failing one to prove capture is non-intrusive. */
  readonly ocrEngine?: OcrEngine;
  /** The benchmark swaps sealing for a pass-through to measure its cost in the same run (bench/privacy.bench.ts). */
  readonly personalData?: PersonalDataPort;
}

/** Starts the OCR pool with the server; closes what the module opened, after the runners stopped. */
@Injectable()
class InfrastructureLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
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
    await this.writer?.close();
    if (this.sqlite?.open) this.sqlite.close();
    await this.postgres?.end();
  }
}

/** Every append timed, whichever store: the latency a command waits for its events to be durable. */
function timedAppends<S extends EventStore>(store: S, metrics: MetricsService): S {
  const append = store.append.bind(store);
  store.append = async (stream, events, expected) => {
    const done = metrics.appendLatency.startTimer({ store: store.kind });
    try {
      return await append(stream, events, expected);
    } finally {
      done();
    }
  };
  return store;
}

function supervision(config: AppConfig): SupervisionPolicy {
  return { ...DEFAULT_SUPERVISION, maxAttempts: config.handlerMaxAttempts };
}

@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: AppConfig, overrides: InfrastructureOverrides = {}): DynamicModule {
    const providers: Provider[] = [
      { provide: APP_CONFIG, useValue: config },
      { provide: APP_ROLE, useValue: overrides.role ?? 'server' },
      { provide: CLOCK, useValue: overrides.clock ?? new SystemClock() },
      { provide: UPCASTER_REGISTRY, useFactory: () => new UpcasterRegistry(ALL_UPCASTERS) },
      { provide: JsonLogger, useValue: new JsonLogger(config.logLevel) },
      MetricsService,
      { provide: DOMAIN_METRICS, useExisting: MetricsService },
      { provide: POSTGRES, useFactory: async (): Promise<Pool | null> => (config.databaseUrl ? openPostgres(config.databaseUrl) : null) },
      {
        provide: SQLITE,
        useFactory: (): SqliteHandle | null =>
          config.databaseUrl || (config.eventStoreConnectionString && config.mongodbUri) ? null : openSqlite({ file: join(config.dataDir, 'flywheel.db'), synchronous: config.sqliteSynchronous }),
      },
      {
        // Every write of this process to the SQLite file goes through this thread (group commit).
        provide: SQLITE_WRITER,
        inject: [SQLITE],
        useFactory: (db: SqliteHandle | null): SqliteWriter | null => (db ? new SqliteWriter({ file: db.name, synchronous: config.sqliteSynchronous, maxGroup: 1000 }) : null),
      },
      {
        provide: EVENT_STORE,
        inject: [SQLITE, UPCASTER_REGISTRY, MetricsService, SQLITE_WRITER, POSTGRES],
        useFactory: (db: SqliteHandle | null, upcasters: UpcasterRegistry, metrics: MetricsService, writer: SqliteWriter | null, pool: Pool | null): EventStore => {
          const onAppended = (n: number) => metrics.eventsAppended.inc(n);
          if (pool) return timedAppends(new PostgresEventStore(pool, upcasters, { url: config.databaseUrl ?? undefined, onAppended }), metrics);
          if (config.eventStoreConnectionString) return timedAppends(new EventStoreDbEventStore(config.eventStoreConnectionString, upcasters, { onAppended }), metrics);
          return timedAppends(new SqliteEventStore(db as SqliteHandle, upcasters, { onAppended, writer: writer ?? undefined }), metrics);
        },
      },
      {
        provide: READ_STORE,
        inject: [SQLITE, SQLITE_WRITER, POSTGRES, EVENT_STORE],
        useFactory: async (db: SqliteHandle | null, writer: SqliteWriter | null, pool: Pool | null): Promise<ReadStore> => {
          if (pool) return new PostgresReadStore(pool);
          if (config.mongodbUri) return MongoReadStore.connect(config.mongodbUri);
          // Reads share the main thread's handle; writes (documents, checkpoints, leases) go to the
          // writer thread. The handle is made query-only once the schemas exist, so no write can
          // run on the main thread. EVENT_STORE is injected only to have created its table first.
          const reads = new SqliteReadStore(db as SqliteHandle, { writer: writer ?? undefined });
          db?.pragma('query_only = ON');
          return reads;
        },
      },
      {
        provide: BLOB_STORE,
        inject: [POSTGRES],
        useFactory: (pool: Pool | null) => (pool ? new PostgresBlobStore(pool) : new FileSystemBlobStore(join(config.dataDir, 'blobs'))),
      },
      { provide: INFERENCE_RUNTIME, useFactory: () => new OnnxInferenceRuntime() },
      { provide: OCR_CALIBRATIONS, useFactory: () => new MutableOcrCalibrations(defaultActiveCalibrations()) },
      {
        provide: OCR_ENGINE,
        inject: [OCR_CALIBRATIONS],
        useFactory: (calibrations: MutableOcrCalibrations): OcrEngine =>
          overrides.ocrEngine
            ? new LazyOcrEngine(overrides.ocrEngine)
            : buildOcrEngine(
                config.ocrEngines,
                {
                  paddle: () => new PaddleWorkerPool({ size: config.ocrWorkers, engine: { threads: config.ocrPaddleThreads } }),
                  tesseract: () => new TesseractOcrEngine({ poolSize: config.ocrWorkers }),
                },
                calibrations,
              ),
      },
      {
        provide: KEY_STORE,
        inject: [POSTGRES],
        useFactory: (pool: Pool | null): KeyStore => (pool ? new PostgresKeyStore(pool) : new SqliteKeyStore(config.dataDir)),
      },
      {
        provide: PersonalData,
        inject: [KEY_STORE, CLOCK],
        useFactory: (keys: KeyStore, clock: Clock) => new PersonalData(keys, resolveMasterKey(config.dataKey, config.dataDir), clock),
      },
      overrides.personalData ? { provide: PERSONAL_DATA, useValue: overrides.personalData } : { provide: PERSONAL_DATA, useExisting: PersonalData },
      { provide: PERSONAL_DATA_RETENTION, useExisting: KEY_STORE },
      { provide: JwtService, useFactory: () => new JwtService(resolveJwtSecret(config.jwtSecret, config.dataDir)) },
      {
        provide: SharedLog,
        inject: [EVENT_STORE, JsonLogger],
        useFactory: (events: EventStore, logger: JsonLogger) => new SharedLog(events, logger.runnerLogger('subscription')),
      },
      {
        provide: LeaderElection,
        inject: [READ_STORE, JsonLogger],
        useFactory: (reads: ReadStore, logger: JsonLogger) =>
          new LeaderElection(reads, `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`, config.runnerLeaseSeconds * 1000, logger.runnerLogger('lease')),
      },
      {
        provide: ProjectionRunner,
        inject: [EVENT_STORE, READ_STORE, JsonLogger, CLOCK, SharedLog, LeaderElection],
        useFactory: (events: EventStore, reads: ReadStore, logger: JsonLogger, clock: Clock, log: SharedLog, election: LeaderElection) =>
          new ProjectionRunner(events, reads, { owner: election.owner, leaseTtlMs: config.runnerLeaseSeconds * 1000, logger: logger.runnerLogger('projections'), clock, log, supervision: supervision(config) }),
      },
      {
        provide: SagaRunner,
        inject: [EVENT_STORE, READ_STORE, JsonLogger, CLOCK, SharedLog, LeaderElection],
        useFactory: (events: EventStore, reads: ReadStore, logger: JsonLogger, clock: Clock, log: SharedLog, election: LeaderElection) =>
          new SagaRunner(events, reads, { logger: logger.runnerLogger('sagas'), clock, log, owner: election.owner, supervision: supervision(config) }),
      },
      MlCompute,
      { provide: ML_COMPUTE, useExisting: MlCompute },
      InfrastructureLifecycle,
    ];
    return {
      module: InfrastructureModule,
      providers,
      exports: providers.filter((p): p is Exclude<Provider, typeof InfrastructureLifecycle> => p !== InfrastructureLifecycle),
    };
  }
}

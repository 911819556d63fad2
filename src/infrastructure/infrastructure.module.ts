import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown, Optional, Provider } from '@nestjs/common';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config';
import { CLOCK, Clock, SystemClock } from '../domain/shared/clock';
import { UpcasterRegistry } from '../domain/shared/upcasting';
import { UPCASTERS as ALL_UPCASTERS } from '../domain/upcasters';
import { ProjectionRunner } from '../projections/runner/projection-runner';
import { SagaRunner } from '../sagas/saga-runner';
import { JwtService, resolveJwtSecret } from './auth/jwt';
import { EVENT_STORE, EventStore } from './event-store/event-store.port';
import { EventStoreDbEventStore } from './event-store/eventstoredb-event-store';
import { SqliteEventStore } from './event-store/sqlite-event-store';
import { JsonLogger } from './observability/json-logger';
import { MetricsService } from './observability/metrics.service';
import { MongoReadStore } from './read-store/mongo-read-store';
import { READ_STORE, ReadStore } from './read-store/read-store.port';
import { SqliteReadStore } from './read-store/sqlite-read-store';
import { SqliteHandle, openSqlite } from './sqlite/sqlite-database';
import { SQLITE, UPCASTERS } from './tokens';
import type { Pool } from 'pg';
import { openPostgres } from './postgres/postgres-pool';
import { PostgresEventStore } from './postgres/postgres-event-store';
import { PostgresReadStore } from './postgres/postgres-read-store';
import { PostgresBlobStore } from './postgres/postgres-blob-store';

/** The PostgreSQL pool when DATABASE_URL is set, else null. */
export const POSTGRES = Symbol('POSTGRES');
import { BLOB_STORE } from './blobs/blob-store.port';
import { FileSystemBlobStore } from './blobs/file-system-blob.store';
import { INFERENCE_RUNTIME } from './inference/inference-runtime.port';
import { OnnxInferenceRuntime } from './inference/onnx-inference-runtime';
import { LazyOcrEngine } from './ocr/lazy-ocr-engine';
import { OCR_ENGINE, OcrEngine } from './ocr/ocr-engine.port';
import { TesseractOcrEngine } from './ocr/tesseract-ocr.engine';
import { PaddleWorkerPool } from './ocr/paddle/paddle-worker-pool';
import { buildOcrEngine } from './ocr/per-mode-ocr.engine';
import { MutableOcrCalibrations, OCR_CALIBRATIONS } from './ocr/calibration/ocr-calibrations.port';
import { defaultActiveCalibrations } from './ocr/calibration/default-calibrations';

export const APP_ROLE = Symbol('APP_ROLE');
export type AppRole = 'server' | 'cli';

export interface InfrastructureOverrides {
  readonly clock?: Clock;
  readonly role?: AppRole;
  /** Tests may swap the OCR engine for a failing one to prove capture is non-intrusive. */
  readonly ocrEngine?: OcrEngine;
}

/** Starts the OCR pool with the server; closes what the module opened, after the runners stopped. */
@Injectable()
class InfrastructureLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(APP_ROLE) private readonly role: AppRole,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OCR_ENGINE) private readonly ocr: OcrEngine,
    private readonly runner: ProjectionRunner,
    private readonly sagas: SagaRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    @Optional() @Inject(SQLITE) private readonly sqlite: SqliteHandle | null,
    @Optional() @Inject(POSTGRES) private readonly postgres: Pool | null,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: the pool warms up while projections catch up; a request waits for it.
    if (this.role === 'server' && this.config.ocrEagerStart) this.ocr.start().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sagas.stop();
    await this.runner.stop();
    await this.ocr.stop();
    await this.events.close();
    await this.reads.close();
    if (this.sqlite?.open) this.sqlite.close();
    await this.postgres?.end();
  }
}

@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: AppConfig, overrides: InfrastructureOverrides = {}): DynamicModule {
    const providers: Provider[] = [
      { provide: APP_CONFIG, useValue: config },
      { provide: APP_ROLE, useValue: overrides.role ?? 'server' },
      { provide: CLOCK, useValue: overrides.clock ?? new SystemClock() },
      { provide: UPCASTERS, useFactory: () => new UpcasterRegistry(ALL_UPCASTERS) },
      { provide: JsonLogger, useValue: new JsonLogger(config.logLevel) },
      MetricsService,
      { provide: POSTGRES, useFactory: async (): Promise<Pool | null> => (config.databaseUrl ? openPostgres(config.databaseUrl) : null) },
      {
        provide: SQLITE,
        useFactory: (): SqliteHandle | null =>
          config.databaseUrl || (config.eventStoreConnectionString && config.mongodbUri) ? null : openSqlite({ file: join(config.dataDir, 'flywheel.db'), synchronous: config.sqliteSynchronous }),
      },
      {
        provide: EVENT_STORE,
        inject: [SQLITE, UPCASTERS, MetricsService, POSTGRES],
        useFactory: (db: SqliteHandle | null, upcasters: UpcasterRegistry, metrics: MetricsService, pool: Pool | null): EventStore => {
          const onAppended = (n: number) => metrics.eventsAppended.inc(n);
          if (pool) return new PostgresEventStore(pool, upcasters, { url: config.databaseUrl ?? undefined, onAppended });
          if (config.eventStoreConnectionString) return new EventStoreDbEventStore(config.eventStoreConnectionString, upcasters, { onAppended });
          return new SqliteEventStore(db as SqliteHandle, upcasters, { onAppended });
        },
      },
      {
        provide: READ_STORE,
        inject: [POSTGRES],
        useFactory: async (pool: Pool | null): Promise<ReadStore> => {
          if (pool) return new PostgresReadStore(pool);
          if (config.mongodbUri) return MongoReadStore.connect(config.mongodbUri);
          // Its own connection to the same file, without an fsync per commit: read models and
          // checkpoints can always be rebuilt from the log, which keeps SQLITE_SYNCHRONOUS.
          return new SqliteReadStore(openSqlite({ file: join(config.dataDir, 'flywheel.db'), synchronous: 'NORMAL' }), { closeOnClose: true });
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
      { provide: JwtService, useFactory: () => new JwtService(resolveJwtSecret(config.jwtSecret, config.dataDir)) },
      {
        provide: ProjectionRunner,
        inject: [EVENT_STORE, READ_STORE, JsonLogger, CLOCK],
        useFactory: (events: EventStore, reads: ReadStore, logger: JsonLogger) =>
          new ProjectionRunner(events, reads, { owner: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`, logger: logger.runnerLogger('projections') }),
      },
      {
        provide: SagaRunner,
        inject: [EVENT_STORE, READ_STORE, JsonLogger],
        useFactory: (events: EventStore, reads: ReadStore, logger: JsonLogger) => new SagaRunner(events, reads, { logger: logger.runnerLogger('sagas') }),
      },
      InfrastructureLifecycle,
    ];
    return {
      module: InfrastructureModule,
      providers,
      exports: providers.filter((p): p is Exclude<Provider, typeof InfrastructureLifecycle> => p !== InfrastructureLifecycle),
    };
  }
}

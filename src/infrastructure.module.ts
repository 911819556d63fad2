import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from './config';
import { CLOCK, Clock, SystemClock } from './domain/shared/clock';
import { UPCASTER_REGISTRY, UpcasterRegistry } from './domain/shared/upcasting';
import { UPCASTERS as ALL_UPCASTERS } from './domain/upcasters';
import { adapterProviders } from './infrastructure/adapter.providers';
import { MlCompute } from './infrastructure/compute/ml-compute';
import { JsonLogger } from './infrastructure/observability/json-logger';
import { MetricsService } from './infrastructure/observability/metrics.service';
import { storeProviders } from './infrastructure/store.providers';
import { InfrastructureLifecycle } from './infrastructure.lifecycle';
import { APP_ROLE, AppRole } from './ports/app-role';
import { DOMAIN_METRICS } from './ports/domain-metrics.port';
import { EVENT_STORE, EventStore } from './ports/event-store.port';
import { ML_COMPUTE } from './ports/ml-compute.port';
import { OcrEngine } from './ports/ocr-engine.port';
import { PersonalDataPort } from './ports/personal-data.port';
import { READ_STORE, ReadStore } from './ports/read-store.port';
import { LeaderElection } from './runtime/leader-election';
import { ProjectionRunner } from './runtime/projection-runner';
import { SagaRunner } from './runtime/saga-runner';
import { SharedLog } from './runtime/shared-log';
import { DEFAULT_SUPERVISION, SupervisionPolicy } from './runtime/supervisor';

/** The PostgreSQL pool when DATABASE_URL is set, else null (defined in infrastructure/tokens.ts). */
export { POSTGRES } from './infrastructure/tokens';

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

function supervision(config: AppConfig): SupervisionPolicy {
  return { ...DEFAULT_SUPERVISION, maxAttempts: config.handlerMaxAttempts };
}

/** The process's one subscription, the runner lease and the runners it elects. */
function runtimeProviders(config: AppConfig): Provider[] {
  return [
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
    },  ];
}

/**
 * Every store, adapter and runner of the process, chosen by the configuration; the lifecycle
 * starts the OCR pool and closes what was opened, after the runners stopped.
 */
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
      ...storeProviders(config),
      ...adapterProviders(config, overrides),
      ...runtimeProviders(config),
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

import type { Pool } from 'pg';
import { Provider } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config';
import { UPCASTER_REGISTRY, UpcasterRegistry } from '../domain/shared/upcasting';
import { BLOB_STORE } from '../ports/blob-store.port';
import { EVENT_STORE, EventStore } from '../ports/event-store.port';
import { READ_STORE, ReadStore } from '../ports/read-store.port';
import { FileSystemBlobStore } from './blobs/file-system-blob.store';
import { EventStoreDbEventStore } from './event-store/eventstoredb-event-store';
import { SqliteEventStore } from './event-store/sqlite-event-store';
import { MetricsService } from './observability/metrics.service';
import { PostgresBlobStore } from './postgres/postgres-blob-store';
import { PostgresEventStore } from './postgres/postgres-event-store';
import { openPostgres } from './postgres/postgres-pool';
import { PostgresReadStore } from './postgres/postgres-read-store';
import { MongoReadStore } from './read-store/mongo-read-store';
import { SqliteReadStore } from './read-store/sqlite-read-store';
import { SqliteHandle, openSqlite } from './sqlite/sqlite-database';
import { SqliteWriter } from './sqlite/sqlite-writer';
import { SqliteReadThread } from './sqlite/sqlite-read-thread';
import { READ_THREAD, ReadThread } from '../ports/read-thread.port';
import { POSTGRES, SQLITE, SQLITE_WRITER } from './tokens';

/**
 * The stores, chosen by the configuration: PostgreSQL when DATABASE_URL is set; else EventStoreDB
 * and MongoDB when both are configured (one of them alone beside SQLite); else the SQLite file,
 * written through one writer thread. Blobs go to PostgreSQL or the data directory.
 */
export function storeProviders(config: AppConfig): Provider[] {
  return [
    { provide: POSTGRES, useFactory: async (): Promise<Pool | null> => (config.databaseUrl ? openPostgres(config.databaseUrl, { preparedStatements: config.databasePreparedStatements }) : null) },
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
      // Queries that read several documents and compute from them answer on a thread of their own
      // over the SQLite file (a prediction's features); on the other stores they run in place.
      provide: READ_THREAD,
      inject: [SQLITE],
      useFactory: (db: SqliteHandle | null): ReadThread | null => (db && !db.memory ? new SqliteReadThread(db.name) : null),
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
      useFactory: async (db: SqliteHandle | null, writer: SqliteWriter | null, pool: Pool | null, events: EventStore): Promise<ReadStore> => {
        if (pool) {
          const reads = new PostgresReadStore(pool);
          if (events instanceof PostgresEventStore) events.writeClaimsTo(reads);
          return reads;
        }
        if (config.mongodbUri) return MongoReadStore.connect(config.mongodbUri);
        // Reads share the main thread's handle; writes (documents, checkpoints, leases) go to the
        // writer thread. The handle is made query-only once the schemas exist, so no write can
        // run on the main thread. EVENT_STORE is injected to have created its table first.
        const reads = new SqliteReadStore(db as SqliteHandle, { writer: writer ?? undefined });
        // An append's claims (an Idempotency-Key's record) go to these tables in its transaction.
        if (events instanceof SqliteEventStore) events.writeClaimsTo(reads);
        db?.pragma('query_only = ON');
        return reads;
      },
    },
    {
      provide: BLOB_STORE,
      inject: [POSTGRES],
      useFactory: (pool: Pool | null) => (pool ? new PostgresBlobStore(pool) : new FileSystemBlobStore(join(config.dataDir, 'blobs'))),
    },  ];
}

/** Every append timed, whichever store: the latency a command waits for its events to be durable. */
function timedAppends<S extends EventStore>(store: S, metrics: MetricsService): S {
  const append = store.append.bind(store);
  store.append = async (stream, events, expected, options) => {
    const done = metrics.appendLatency.startTimer({ store: store.kind });
    try {
      return await append(stream, events, expected, options);
    } finally {
      done();
    }
  };
  return store;
}

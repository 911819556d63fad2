import { UpcasterRegistry } from '../../src/domain/shared/upcasting';
import { EventStoreDbEventStore } from '../../src/infrastructure/event-store/eventstoredb-event-store';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { SqliteReadStore } from '../../src/infrastructure/read-store/sqlite-read-store';
import { synchronousOf } from '../../src/infrastructure/sqlite/sqlite-database';
import { SqliteWriter } from '../../src/infrastructure/sqlite/sqlite-writer';
import { skipWithoutServer, tempSqlite } from '../support/sqlite';
import { appendClaimsContract } from './append-claims.contract';
import { eventStoreContract } from './event-store.contract';

eventStoreContract('sqlite', async () => {
  const { db, remove } = tempSqlite('es-contract-');
  const store = new SqliteEventStore(db, new UpcasterRegistry(), { pollIntervalMs: 10 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      remove();
    },
  };
});

// As the app wires them: both stores write through one writer thread, claims into the read store's tables.
appendClaimsContract('sqlite', async () => {
  const { db, remove } = tempSqlite('claims-contract-');
  const writer = new SqliteWriter({ file: db.name, synchronous: synchronousOf(db), maxGroup: 1000 });
  const events = new SqliteEventStore(db, new UpcasterRegistry(), { pollIntervalMs: 10, writer });
  const reads = new SqliteReadStore(db, { writer });
  events.writeClaimsTo(reads);
  return {
    events,
    reads,
    cleanup: async () => {
      await events.close();
      await writer.close();
      remove();
    },
  };
});

const esdb = process.env.EVENTSTORE_CONNECTION_STRING;
if (esdb) {
  eventStoreContract('eventstoredb', async () => {
    const store = new EventStoreDbEventStore(esdb, new UpcasterRegistry(), { pollIntervalMs: 20 });
    return { store, cleanup: () => store.close() };
  });
} else {
  skipWithoutServer('EventStore contract: eventstoredb', 'EVENTSTORE_CONNECTION_STRING');
}

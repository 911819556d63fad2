import { UpcasterRegistry } from '../../src/domain/shared/upcasting';
import { EventStoreDbEventStore } from '../../src/infrastructure/event-store/eventstoredb-event-store';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { skipWithoutServer, tempSqlite } from '../support/sqlite';
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

const esdb = process.env.EVENTSTORE_CONNECTION_STRING;
if (esdb) {
  eventStoreContract('eventstoredb', async () => {
    const store = new EventStoreDbEventStore(esdb, new UpcasterRegistry(), { pollIntervalMs: 20 });
    return { store, cleanup: () => store.close() };
  });
} else {
  skipWithoutServer('EventStore contract: eventstoredb', 'EVENTSTORE_CONNECTION_STRING');
}

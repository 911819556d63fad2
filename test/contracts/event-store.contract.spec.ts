import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpcasterRegistry } from '../../src/domain/shared/upcasting';
import { EventStoreDbEventStore } from '../../src/infrastructure/event-store/eventstoredb-event-store';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { openSqlite } from '../../src/infrastructure/sqlite/sqlite-database';
import { eventStoreContract } from './event-store.contract';

eventStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'es-contract-'));
  const db = openSqlite({ file: join(dir, 'flywheel.db') });
  const store = new SqliteEventStore(db, new UpcasterRegistry(), { pollIntervalMs: 10 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
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
  describe('EventStore contract: eventstoredb', () => {
    it.skip('skipped: set EVENTSTORE_CONNECTION_STRING to run the EventStoreDB adapter against a real server', () => undefined);
  });
  process.stdout.write('EventStore contract: eventstoredb skipped (EVENTSTORE_CONNECTION_STRING not set)\n');
}

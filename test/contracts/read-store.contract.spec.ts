import { randomBytes } from 'node:crypto';
import { MongoReadStore } from '../../src/infrastructure/read-store/mongo-read-store';
import { SqliteReadStore } from '../../src/infrastructure/read-store/sqlite-read-store';
import { SqliteWriter } from '../../src/infrastructure/sqlite/sqlite-writer';
import { skipWithoutServer, tempSqlite } from '../support/sqlite';
import { readStoreContract } from './read-store.contract';

readStoreContract('sqlite', async () => {
  const { db, remove } = tempSqlite('rs-contract-');
  const store = new SqliteReadStore(db);
  return {
    store,
    cleanup: async () => {
      await store.close();
      remove();
    },
  };
});

// Every write through the writer thread, as the server runs it.
readStoreContract('sqlite (writer thread)', async () => {
  const { db, remove } = tempSqlite('rs-contract-writer-');
  const writer = new SqliteWriter({ file: db.name, synchronous: 'FULL', maxGroup: 1000 });
  const store = new SqliteReadStore(db, { writer });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await writer.close();
      remove();
    },
  };
});

const mongo = process.env.MONGODB_URI;
if (mongo) {
  // A fresh database per test, dropped after it: a second run never sees the first one's state.
  readStoreContract('mongodb', async () => {
    const store = await MongoReadStore.connect(mongo, `flywheel_contract_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`);
    return {
      store,
      cleanup: async () => {
        await store.dropDatabase();
        await store.close();
      },
    };
  });
} else {
  skipWithoutServer('ReadStore contract: mongodb', 'MONGODB_URI');
}

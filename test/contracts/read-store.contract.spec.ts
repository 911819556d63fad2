import { MongoReadStore } from '../../src/infrastructure/read-store/mongo-read-store';
import { SqliteReadStore } from '../../src/infrastructure/read-store/sqlite-read-store';
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

const mongo = process.env.MONGODB_URI;
if (mongo) {
  readStoreContract('mongodb', async () => {
    const store = await MongoReadStore.connect(mongo);
    return { store, cleanup: () => store.close() };
  });
} else {
  skipWithoutServer('ReadStore contract: mongodb', 'MONGODB_URI');
}

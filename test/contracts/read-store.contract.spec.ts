import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoReadStore } from '../../src/infrastructure/read-store/mongo-read-store';
import { SqliteReadStore } from '../../src/infrastructure/read-store/sqlite-read-store';
import { openSqlite } from '../../src/infrastructure/sqlite/sqlite-database';
import { readStoreContract } from './read-store.contract';

readStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-contract-'));
  const db = openSqlite({ file: join(dir, 'flywheel.db') });
  const store = new SqliteReadStore(db);
  return {
    store,
    cleanup: async () => {
      await store.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
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
  describe('ReadStore contract: mongodb', () => {
    it.skip('skipped: set MONGODB_URI to run the MongoDB adapter against a real server', () => undefined);
  });
  process.stdout.write('ReadStore contract: mongodb skipped (MONGODB_URI not set)\n');
}

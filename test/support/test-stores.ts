import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { MongoReadStore } from '../../src/infrastructure/read-store/mongo-read-store';
import { TEST_DATABASE_URL, freshDatabase } from './postgres';

/** `default`: the store variables of the environment (SQLite when none is set); `postgres`: a fresh database on TEST_DATABASE_URL. */
export type TestStore = 'default' | 'postgres';

export interface StoreSelection {
  readonly name: string;
  readonly env: Record<string, string>;
  dispose(): Promise<void>;
}

/**
 * The one place test apps get their store from. TEST_E2E_STORE=postgres runs every e2e suite on
 * PostgreSQL; MONGODB_URI / EVENTSTORE_CONNECTION_STRING run them on those servers (MongoDB on a
 * fresh database per app, dropped at the end).
 */
/** The shared master key of personal data the PostgreSQL test apps run with (required with DATABASE_URL). */
export const TEST_DATA_KEY = 'ab'.repeat(32);

export async function storeFromEnvironment(requested?: TestStore): Promise<StoreSelection> {
  const store = requested ?? (process.env.TEST_E2E_STORE === 'postgres' ? 'postgres' : 'default');
  if (store === 'postgres') {
    if (!TEST_DATABASE_URL) throw new Error('a PostgreSQL test app needs TEST_DATABASE_URL');
    const db = await freshDatabase('flywheel_e2e');
    return { name: 'postgres', env: { DATABASE_URL: db.url, DATA_KEY: TEST_DATA_KEY }, dispose: db.drop };
  }
  const env: Record<string, string> = {};
  const esdb = process.env.EVENTSTORE_CONNECTION_STRING;
  if (esdb) env.EVENTSTORE_CONNECTION_STRING = esdb;
  const mongo = process.env.MONGODB_URI;
  if (!mongo) return { name: esdb ? 'eventstoredb+sqlite' : 'sqlite', env, dispose: async () => undefined };
  const database = `flywheel_e2e_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const uri = new URL(mongo);
  uri.pathname = `/${database}`;
  env.MONGODB_URI = uri.toString();
  return {
    name: esdb ? 'eventstoredb+mongodb' : 'sqlite+mongodb',
    env,
    dispose: async () => {
      const store = await MongoReadStore.connect(mongo, database);
      await store.dropDatabase();
      await store.close();
    },
  };
}

/**
 * Run an existing e2e suite (its module registers its describes) once more on PostgreSQL, or
 * say visibly that it was skipped.
 */
export function onPostgres(suite: string, load: () => void): void {
  if (!TEST_DATABASE_URL) {
    describe(`${suite} on PostgreSQL`, () => {
      it.skip('skipped: set TEST_DATABASE_URL to run this suite on PostgreSQL', () => undefined);
    });
    process.stdout.write(`${suite} on PostgreSQL skipped (TEST_DATABASE_URL not set)\n`);
    return;
  }
  describe(`${suite} on PostgreSQL`, () => {
    const previous = process.env.TEST_E2E_STORE;
    beforeAll(() => {
      process.env.TEST_E2E_STORE = 'postgres';
    });
    afterAll(() => {
      if (previous === undefined) delete process.env.TEST_E2E_STORE;
      else process.env.TEST_E2E_STORE = previous;
    });
    load();
  });
}

/** Truncate a stored blob to half its bytes wherever the app keeps blobs; returns the repair. */
export async function corruptBlob(app: { dataDir: string; storeEnv: Record<string, string> }, hash: string): Promise<() => Promise<void>> {
  const url = app.storeEnv.DATABASE_URL;
  if (!url) {
    const file = join(app.dataDir, 'blobs', hash.slice(0, 2), hash);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    return async () => writeFileSync(file, bytes);
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ bytes: Buffer }>('SELECT bytes FROM blobs WHERE hash = $1', [hash]);
    const bytes = rows[0].bytes;
    await client.query('UPDATE blobs SET bytes = $2 WHERE hash = $1', [hash, bytes.subarray(0, Math.floor(bytes.length / 2))]);
    return async () => {
      const repair = new Client({ connectionString: url });
      await repair.connect();
      await repair.query('UPDATE blobs SET bytes = $2 WHERE hash = $1', [hash, bytes]).finally(() => repair.end());
    };
  } finally {
    await client.end();
  }
}

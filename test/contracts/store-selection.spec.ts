import { readdirSync } from 'node:fs';
import { ConfigError, loadConfig } from '../../src/config';
import { EVENT_STORE, EventStore } from '../../src/ports/event-store.port';
import { BLOB_STORE, BlobStore } from '../../src/ports/blob-store.port';
import { READ_STORE, ReadStore } from '../../src/ports/read-store.port';
import { PostgresBlobStore } from '../../src/infrastructure/postgres/postgres-blob-store';
import { TestApp, startTestApp } from '../support/app';
import { TEST_DATABASE_URL } from '../support/postgres';
import { skipWithoutServer } from '../support/sqlite';

const SECRET = 's'.repeat(32);
const KEY = 'cd'.repeat(32);

describe('store selection by DATABASE_URL', () => {
  it.each(['EVENTSTORE_CONNECTION_STRING', 'MONGODB_URI'])('refuses to start with DATABASE_URL and %s, naming both', (other) => {
    const env = { DATABASE_URL: 'postgres://u:p@db/flywheel', [other]: 'esdb://x:2113', JWT_SECRET: SECRET, DATA_KEY: KEY };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`DATABASE_URL and ${other} are both set`));
  });

  it('requires JWT_SECRET with DATABASE_URL (a per-host generated secret would differ between instances)', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u:p@db/flywheel' })).toThrow(/JWT_SECRET is required with DATABASE_URL/);
  });

  it('requires DATA_KEY with DATABASE_URL (a per-host generated key would seal plates no other instance can open)', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u:p@db/flywheel', JWT_SECRET: SECRET })).toThrow(/DATA_KEY is required with DATABASE_URL/);
  });

  it('refuses a DATABASE_URL that is not a PostgreSQL URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db/x', JWT_SECRET: SECRET, DATA_KEY: KEY })).toThrow(/DATABASE_URL is invalid/);
  });

  it('accepts postgres:// and postgresql:// URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@db/flywheel', JWT_SECRET: SECRET, DATA_KEY: KEY }).databaseUrl).toBe('postgresql://u:p@db/flywheel');
    expect(loadConfig({}).databaseUrl).toBeNull();
  });

  it('prepares hot PostgreSQL statements unless DATABASE_PREPARED_STATEMENTS=false', () => {
    expect(loadConfig({}).databasePreparedStatements).toBe(true);
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'false' }).databasePreparedStatements).toBe(false);
    expect(() => loadConfig({ DATABASE_PREPARED_STATEMENTS: 'no' })).toThrow(/DATABASE_PREPARED_STATEMENTS="no" is invalid/);
  });
});

if (TEST_DATABASE_URL) {
  describe('an app started with DATABASE_URL', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ store: 'postgres' });
    });
    afterAll(() => app.close());

    it('keeps events, read models and blobs in PostgreSQL and nothing of them in DATA_DIR', async () => {
      expect(app.app.get<EventStore>(EVENT_STORE).kind).toBe('postgres');
      expect(app.app.get<ReadStore>(READ_STORE).kind).toBe('postgres');
      expect(app.app.get<BlobStore>(BLOB_STORE)).toBeInstanceOf(PostgresBlobStore);
      expect(readdirSync(app.dataDir)).toEqual([]);
    });
  });
} else {
  skipWithoutServer('an app started with DATABASE_URL', 'TEST_DATABASE_URL');
}

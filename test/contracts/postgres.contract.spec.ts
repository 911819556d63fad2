import { UpcasterRegistry } from '../../src/domain/shared/upcasting';
import { PostgresBlobStore } from '../../src/infrastructure/postgres/postgres-blob-store';
import { PostgresEventStore } from '../../src/infrastructure/postgres/postgres-event-store';
import { PostgresReadStore } from '../../src/infrastructure/postgres/postgres-read-store';
import { TEST_DATABASE_URL, freshPostgres } from '../support/postgres';
import { skipWithoutServer } from '../support/sqlite';
import { appendClaimsContract } from './append-claims.contract';
import { blobStoreContract } from './blob-store.contract';
import { eventStoreContract } from './event-store.contract';
import { readStoreContract } from './read-store.contract';

if (TEST_DATABASE_URL) {
  eventStoreContract('postgres', async () => {
    const pg = await freshPostgres('es_contract');
    const store = new PostgresEventStore(pg.pool, new UpcasterRegistry(), { url: pg.url, pollIntervalMs: 1000 });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await pg.cleanup();
      },
    };
  });

  appendClaimsContract('postgres', async () => {
    const pg = await freshPostgres('claims_contract');
    const events = new PostgresEventStore(pg.pool, new UpcasterRegistry(), { url: pg.url, pollIntervalMs: 1000 });
    const reads = new PostgresReadStore(pg.pool);
    events.writeClaimsTo(reads);
    return {
      events,
      reads,
      cleanup: async () => {
        await events.close();
        await pg.cleanup();
      },
    };
  });

  readStoreContract('postgres', async () => {
    const pg = await freshPostgres('rs_contract');
    const store = new PostgresReadStore(pg.pool);
    return {
      store,
      cleanup: async () => {
        await store.close();
        await pg.cleanup();
      },
    };
  });

  describe('BlobStore contract: postgres', () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const c of cleanups) await c();
    });
    blobStoreContract(async () => {
      const pg = await freshPostgres('blob_contract');
      cleanups.push(pg.cleanup);
      return new PostgresBlobStore(pg.pool);
    });
  });
} else {
  skipWithoutServer('Store contracts: postgres', 'TEST_DATABASE_URL');
}

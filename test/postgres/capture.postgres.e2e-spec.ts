import { onPostgres } from '../support/test-stores';

// The same suite, its apps on a fresh PostgreSQL database (DATABASE_URL) instead of SQLite.
onPostgres('capture', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../readings/capture.e2e-spec');
  // The Idempotency-Key's record written in the append's transaction (claims), on PostgreSQL.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../readings/idempotency-key.e2e-spec');
});

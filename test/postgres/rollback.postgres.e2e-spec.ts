import { onPostgres } from '../support/test-stores';

// The same suite, its apps on a fresh PostgreSQL database (DATABASE_URL) instead of SQLite.
onPostgres('rollback', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../models/rollback.e2e-spec');
});

import { onPostgres } from '../support/test-stores';

// The same suite, its apps on a fresh PostgreSQL database (DATABASE_URL) instead of SQLite.
onPostgres('model registry', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../models/registry.e2e-spec');
});

import { onPostgres } from '../support/test-stores';

// A CLI rebuild beside a running server, both on one PostgreSQL database.
onPostgres('multi-process', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../foundation/multi-process.e2e-spec');
});

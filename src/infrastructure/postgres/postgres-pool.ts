import { Pool, types } from 'pg';
import { migrate } from './postgres-migrations';

// bigint (int8) columns hold log positions and revisions, far below 2^53: read them as numbers.
types.setTypeParser(types.builtins.INT8, (value: string) => Number(value));

export interface PostgresPoolOptions {
  readonly max?: number;
  readonly applicationName?: string;
}

/** A pool on DATABASE_URL with the schema migrated (under an advisory lock) before first use. */
export async function openPostgres(url: string, options: PostgresPoolOptions = {}): Promise<Pool> {
  const pool = new Pool({ connectionString: url, max: options.max ?? 10, application_name: options.applicationName ?? 'ml-flywheel' });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return pool;
}

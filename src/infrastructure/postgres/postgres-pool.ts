import { DatabaseError, Pool, PoolClient, QueryConfig, types } from 'pg';
import { migrate } from './postgres-migrations';

// bigint (int8) columns hold log positions and revisions, far below 2^53: read them as numbers.
types.setTypeParser(types.builtins.INT8, (value: string) => Number(value));

export interface PostgresPoolOptions {
  readonly max?: number;
  readonly applicationName?: string;
}

/** A pool on DATABASE_URL with the schema migrated (under an advisory lock) before first use. */
export async function openPostgres(url: string, options: PostgresPoolOptions = {}): Promise<Pool> {
  const pool = keepingClientsOnStatementErrors(new Pool({ connectionString: url, max: options.max ?? 10, application_name: options.applicationName ?? 'ml-flywheel' }));
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

/**
 * `pool.query` closes the connection of any statement that fails, so every expected refusal (a
 * read of a table nobody created yet, a unique violation) cost a new connection and its password
 * exchange: under the corrections load, hundreds a second. Here a statement the server refused
 * gives its client back to the pool open (the server keeps the session usable); a broken
 * connection is still dropped. `pool.query` here only ever carries statements outside a
 * transaction: a transaction checks a client out itself (`inTransaction`, the appender's client),
 * so no client goes back inside a failed transaction.
 */
function keepingClientsOnStatementErrors(pool: Pool): Pool {
  const query = async (config: string | QueryConfig, values?: unknown[]) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await client.query(config as string, values);
    } catch (error) {
      if (!(error instanceof DatabaseError)) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  };
  // Every call in this project passes (text, values) or a config object and awaits the promise.
  (pool as unknown as { query: typeof query }).query = query;
  return pool;
}

/**
 * `work` in one transaction on one client of the pool: committed, or rolled back and rethrown; the
 * client goes back to the pool either way. `begin` may carry more statements (the simple protocol
 * sends them with BEGIN in one round trip), such as a transaction-scoped advisory lock.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

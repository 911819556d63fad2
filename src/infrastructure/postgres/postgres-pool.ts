import { DatabaseError, Pool, PoolClient, QueryConfig, types } from 'pg';
import { sha256Hex } from '../../domain/shared/sha256';
import { migrate } from './postgres-migrations';

// bigint (int8) columns hold log positions and revisions, far below 2^53: read them as numbers.
types.setTypeParser(types.builtins.INT8, (value: string) => Number(value));

export interface PostgresPoolOptions {
  readonly max?: number;
  readonly applicationName?: string;
  /** Prepare hot statements on each connection (default); off behind a pooler that cannot keep them. */
  readonly preparedStatements?: boolean;
}

/** A pool on DATABASE_URL with the schema migrated (under an advisory lock) before first use. */
export async function openPostgres(url: string, options: PostgresPoolOptions = {}): Promise<Pool> {
  const names = options.preparedStatements === false ? null : new StatementNames();
  const pool = keepingClientsOnStatementErrors(new Pool({ connectionString: url, max: options.max ?? 10, application_name: options.applicationName ?? 'ml-flywheel' }), names);
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
function keepingClientsOnStatementErrors(pool: Pool, names: StatementNames | null): Pool {
  const query = async (config: string | QueryConfig, values?: unknown[]) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      const name = names && typeof config === 'string' && values && values.length > 0 ? names.nameOf(config) : undefined;
      if (name) return await client.query({ name, text: config as string, values });
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
 * Names for the statements the pool runs often, so each connection parses and plans them once
 * (PostgreSQL keeps a named statement per connection; node-postgres sends its text only the first
 * time): the read-model batches, lookups and the idempotency records run thousands of times a
 * second with the same text. A text is named on its third use, and at most `max` texts are, so
 * texts used once (an operator's query, a page size asked once) never fill a connection with
 * statements; past that, statements run unnamed as before. Measured under the corrections load:
 * docs/BENCHMARKS.md (PostgreSQL).
 */
export class StatementNames {
  private readonly names = new Map<string, string>();
  private readonly uses = new Map<string, number>();

  constructor(
    private readonly max = 256,
    private readonly after = 3,
  ) {}

  nameOf(text: string): string | undefined {
    const named = this.names.get(text);
    if (named !== undefined || this.names.size >= this.max) return named;
    const uses = (this.uses.get(text) ?? 0) + 1;
    if (uses < this.after) {
      // Counting is bounded too: a flood of distinct texts starts the count over.
      if (this.uses.size >= 10 * this.max) this.uses.clear();
      this.uses.set(text, uses);
      return undefined;
    }
    this.uses.delete(text);
    const name = `flywheel_${sha256Hex(text).slice(0, 24)}`;
    this.names.set(text, name);
    return name;
  }

  /** Texts named so far (for tests). */
  get size(): number {
    return this.names.size;
  }
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

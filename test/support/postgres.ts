import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { openPostgres } from '../../src/infrastructure/postgres/postgres-pool';

/** The server the PostgreSQL runs use; unset means those runs are skipped (visibly). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || null;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A fresh, uniquely named database on the TEST_DATABASE_URL server (so runs never see each other's
 * rows), and `drop` to remove it.
 */
export async function freshDatabase(prefix = 'flywheel_test'): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(TEST_DATABASE_URL, name),
    drop: async () => {
      const c = new Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try {
        // FORCE cannot end a backend of another role (an autovacuum worker on the database): it
        // answers 42501 then, and the worker is gone a moment later.
        for (let attempt = 1; ; attempt++) {
          try {
            await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            break;
          } catch (error) {
            if ((error as { code?: string }).code !== '42501' || attempt >= 20) throw error;
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        }
      } finally {
        await c.end();
      }
    },
  };
}

/** A migrated pool on a fresh database; `cleanup` closes the pool and drops the database. */
export async function freshPostgres(prefix?: string): Promise<{ pool: Pool; url: string; cleanup: () => Promise<void> }> {
  const db = await freshDatabase(prefix);
  const pool = await openPostgres(db.url, { max: 8 });
  return {
    pool,
    url: db.url,
    cleanup: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

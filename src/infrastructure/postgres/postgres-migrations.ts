import type { Pool } from 'pg';

/**
 * Read-model tables keep documents up to a page (8 kB) inline and uncompressed: a document of
 * about 2 kB (a training example with its features) was compressed with pglz on every upsert and
 * decompressed by every guard and index expression that read it, 5-6% of PostgreSQL's CPU under
 * corrections. Larger documents are still compressed (TOAST).
 */
export const READ_MODEL_STORAGE = 'toast_tuple_target = 8160';

/**
 * The schema, as numbered steps. A step is never edited once released: a change is a new step.
 * Read-model tables are created on demand by the read store (one per projection generation).
 */
export const MIGRATIONS: readonly { readonly version: number; readonly name: string; readonly sql: string }[] = [
  {
    version: 1,
    name: 'events, checkpoints, leases, blobs',
    sql: `
      CREATE TABLE events (
        position    bigserial PRIMARY KEY,
        event_id    text NOT NULL UNIQUE,
        stream      text NOT NULL,
        revision    bigint NOT NULL CHECK (revision >= 0),
        type        text NOT NULL,
        data        jsonb NOT NULL,
        metadata    jsonb NOT NULL,
        hash        text NOT NULL,
        recorded_at text NOT NULL,
        UNIQUE (stream, revision)
      );
      CREATE INDEX events_type ON events (type, position);
      CREATE TABLE checkpoints (name text PRIMARY KEY, position bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE leases (name text PRIMARY KEY, owner text NOT NULL, expires_at bigint NOT NULL);
      CREATE TABLE blobs (hash text PRIMARY KEY, size integer NOT NULL, content_type text, bytes bytea NOT NULL);
    `,
  },
  {
    version: 2,
    name: 'personal-data keys (crypto-shredding)',
    sql: `
      CREATE TABLE subject_keys (tenant text NOT NULL, subject_id text NOT NULL, lookup text NOT NULL, wrapped_key bytea NOT NULL,
        PRIMARY KEY (tenant, subject_id), UNIQUE (tenant, lookup));
      CREATE TABLE subject_entries (tenant text NOT NULL, subject_id text NOT NULL, entry_id text NOT NULL, photo_hash text NOT NULL,
        PRIMARY KEY (tenant, subject_id, entry_id));
    `,
  },
  {
    version: 3,
    name: 'retention times of personal-data keys (last sighting of a subject, when an entry was linked)',
    // Rows made before this step count as seen and linked now: retention removes them one period later, never sooner.
    sql: `
      ALTER TABLE subject_keys ADD COLUMN last_seen_at bigint;
      ALTER TABLE subject_entries ADD COLUMN linked_at bigint;
      UPDATE subject_keys SET last_seen_at = (extract(epoch from now()) * 1000)::bigint;
      UPDATE subject_entries SET linked_at = (extract(epoch from now()) * 1000)::bigint;
      CREATE INDEX subject_keys_seen ON subject_keys (tenant, last_seen_at);
      CREATE INDEX subject_entries_linked ON subject_entries (tenant, linked_at);
      CREATE INDEX subject_entries_photo ON subject_entries (photo_hash);
    `,
  },
  {
    version: 4,
    name: 'per-entry photo keys (an entry photo is sealed under a key of its own entry)',
    sql: `
      CREATE TABLE entry_photos (tenant text NOT NULL, entry_id text NOT NULL, blob_hash text NOT NULL, wrapped_key bytea NOT NULL, created_at bigint NOT NULL,
        PRIMARY KEY (tenant, entry_id));
      CREATE INDEX entry_photos_created ON entry_photos (tenant, created_at);
    `,
  },
  {
    version: 5,
    name: 'read-model tables keep documents up to a page uncompressed',
    sql: `
      DO $$
      DECLARE t text;
      BEGIN
        FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'rm\\_%' LOOP
          EXECUTE format('ALTER TABLE %I SET (${READ_MODEL_STORAGE})', t);
        END LOOP;
      END $$;
    `,
  },
];

/** Any constant both sides agree on: serialises schema changes across instances starting at once. */
const MIGRATION_LOCK = 0x666c7977; // 'flyw'

/** Apply the missing steps, each in its own transaction, under a session advisory lock. */
export async function migrate(pool: Pool): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const step of MIGRATIONS) {
      if (done.has(step.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(step.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [step.version, step.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      applied.push(step.version);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
}

import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../postgres/postgres-pool';
import { ErasedSubjects, ExpiredPhotos } from '../../ports/personal-data-retention.port';
import { ErasedSubject, KeyStore, PhotoKey, SubjectKey, withShredded } from './key-store.port';

/**
 * Keys in the shared PostgreSQL database (tables `subject_keys` and `subject_entries`, never the
 * event log), so every instance opens what any instance sealed and an erasure reaches them all.
 * A deleted row stays in the table's pages and in PostgreSQL's WAL until VACUUM reuses the space
 * and the WAL segments are recycled: the erasure vacuums the key table at once, and the README says
 * what that does and does not remove.
 */
export class PostgresKeyStore implements KeyStore {
  constructor(private readonly pool: Pool) {}

  async subjectFor(tenant: string, lookup: string, created: SubjectKey): Promise<SubjectKey> {
    const known = await this.findByLookup(tenant, lookup);
    if (known) return known;
    await this.pool.query('INSERT INTO subject_keys (tenant, subject_id, lookup, wrapped_key) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
      tenant,
      created.subjectId,
      lookup,
      created.wrappedKey,
    ]);
    const found = await this.findByLookup(tenant, lookup);
    if (!found) throw new Error('subject key vanished right after it was written');
    return found;
  }

  async findByLookup(tenant: string, lookup: string): Promise<SubjectKey | null> {
    const { rows } = await this.pool.query<{ subject_id: string; wrapped_key: Buffer }>('SELECT subject_id, wrapped_key FROM subject_keys WHERE tenant = $1 AND lookup = $2', [tenant, lookup]);
    return rows[0] ? { subjectId: rows[0].subject_id, wrappedKey: rows[0].wrapped_key } : null;
  }

  async keyOf(tenant: string, subjectId: string): Promise<Buffer | null> {
    const { rows } = await this.pool.query<{ wrapped_key: Buffer }>('SELECT wrapped_key FROM subject_keys WHERE tenant = $1 AND subject_id = $2', [tenant, subjectId]);
    return rows[0]?.wrapped_key ?? null;
  }

  async linkEntry(tenant: string, subjectId: string, entryId: string, photoHash: string, at: Date, photoKey?: PhotoKey): Promise<void> {
    // One statement (one commit): the entry's photo key (a retried capture keeps its first), the link (with its
    // first time; naming the entry's sealed photo when it has one: the statement sees the key rows as they were
    // before it, so a first capture names the photo it brings) and the subject's last sighting.
    await this.pool.query(
      `WITH photo AS (INSERT INTO entry_photos (tenant, entry_id, blob_hash, wrapped_key, created_at)
           SELECT $1, $3, $6::text, $7::bytea, $5 WHERE $6::text IS NOT NULL ON CONFLICT DO NOTHING),
         link AS (INSERT INTO subject_entries (tenant, subject_id, entry_id, photo_hash, linked_at)
           VALUES ($1, $2, $3, COALESCE((SELECT blob_hash FROM entry_photos WHERE tenant = $1 AND entry_id = $3), $4), $5) ON CONFLICT DO NOTHING)
       UPDATE subject_keys SET last_seen_at = GREATEST(COALESCE(last_seen_at, 0), $5) WHERE tenant = $1 AND subject_id = $2`,
      [tenant, subjectId, entryId, photoKey ? photoKey.blobHash : photoHash, at.getTime(), photoKey?.blobHash ?? null, photoKey?.wrappedKey ?? null],
    );
  }

  async photoKeyOf(tenant: string, entryId: string): Promise<PhotoKey | null> {
    const { rows } = await this.pool.query<{ blob_hash: string; wrapped_key: Buffer }>('SELECT blob_hash, wrapped_key FROM entry_photos WHERE tenant = $1 AND entry_id = $2', [tenant, entryId]);
    return rows[0] ? { blobHash: rows[0].blob_hash, wrappedKey: rows[0].wrapped_key } : null;
  }

  async tenants(): Promise<string[]> {
    const { rows } = await this.pool.query<{ tenant: string }>('SELECT DISTINCT tenant FROM subject_keys ORDER BY tenant');
    return rows.map((r) => r.tenant);
  }

  async expireEntries(tenant: string, before: Date): Promise<ExpiredPhotos> {
    return inTransaction(this.pool, async (client) => {
      const deleted = await client.query<{ photo_hash: string }>('DELETE FROM subject_entries WHERE tenant = $1 AND linked_at < $2 RETURNING photo_hash', [tenant, before.getTime()]);
      // Photos sealed under keys of their own entries: the keys of entries captured before the cut-off go (the photos are shredded).
      const sealed = await client.query<{ blob_hash: string }>('DELETE FROM entry_photos WHERE tenant = $1 AND created_at < $2 RETURNING blob_hash', [tenant, before.getTime()]);
      const split = await this.splitByUse(client, deleted.rows.map((r) => r.photo_hash));
      return { entries: deleted.rowCount ?? 0, ...withShredded(split, sealed.rows.map((r) => r.blob_hash)) };
    });
  }

  async eraseUnseenSince(tenant: string, before: Date): Promise<ErasedSubjects> {
    const result = await inTransaction(this.pool, async (client) => {
      const subjects = await client.query<{ subject_id: string }>('DELETE FROM subject_keys WHERE tenant = $1 AND last_seen_at < $2 RETURNING subject_id', [tenant, before.getTime()]);
      const ids = subjects.rows.map((r) => r.subject_id);
      await client.query('DELETE FROM entry_photos WHERE tenant = $1 AND entry_id IN (SELECT entry_id FROM subject_entries WHERE tenant = $1 AND subject_id = ANY($2::text[]))', [tenant, ids]);
      const entries = await client.query<{ photo_hash: string }>('DELETE FROM subject_entries WHERE tenant = $1 AND subject_id = ANY($2::text[]) RETURNING photo_hash', [tenant, ids]);
      return { subjects: ids.length, entries: entries.rowCount ?? 0, ...(await this.splitByUse(client, entries.rows.map((r) => r.photo_hash))) };
    });
    if (result.subjects > 0) await this.pool.query('VACUUM subject_keys, entry_photos').catch(() => undefined);
    return result;
  }

  /** Photos are content-addressed: one still linked by any entry (of any tenant) is kept. */
  private async splitByUse(client: PoolClient, hashes: readonly string[]): Promise<{ unusedPhotoHashes: string[]; photosInUse: number }> {
    const distinct = [...new Set(hashes)];
    if (distinct.length === 0) return { unusedPhotoHashes: [], photosInUse: 0 };
    const { rows } = await client.query<{ photo_hash: string }>('SELECT DISTINCT photo_hash FROM subject_entries WHERE photo_hash = ANY($1::text[])', [distinct]);
    const used = new Set(rows.map((r) => r.photo_hash));
    return { unusedPhotoHashes: distinct.filter((h) => !used.has(h)), photosInUse: used.size };
  }

  async erase(tenant: string, subjectId: string): Promise<ErasedSubject> {
    const result = await inTransaction(this.pool, async (client): Promise<ErasedSubject> => {
      // An entry corrected or labeled to another plate is in both subjects: erasing either erases both.
      const linked = await client.query<{ subject_id: string }>(
        'SELECT DISTINCT subject_id FROM subject_entries WHERE tenant = $1 AND subject_id <> $2 AND entry_id IN (SELECT entry_id FROM subject_entries WHERE tenant = $1 AND subject_id = $2)',
        [tenant, subjectId],
      );
      const ids = [subjectId, ...linked.rows.map((l) => l.subject_id)];
      const photos = await client.query<{ photo_hash: string }>('SELECT photo_hash FROM subject_entries WHERE tenant = $1 AND subject_id = ANY($2::text[])', [tenant, ids]);
      await client.query('DELETE FROM entry_photos WHERE tenant = $1 AND entry_id IN (SELECT entry_id FROM subject_entries WHERE tenant = $1 AND subject_id = ANY($2::text[]))', [tenant, ids]);
      const deleted = await client.query<{ subject_id: string }>('DELETE FROM subject_keys WHERE tenant = $1 AND subject_id = ANY($2::text[]) RETURNING subject_id', [tenant, ids]);
      await client.query('DELETE FROM subject_entries WHERE tenant = $1 AND subject_id = ANY($2::text[])', [tenant, ids]);
      return { existed: deleted.rows.some((r) => r.subject_id === subjectId), photoHashes: [...new Set(photos.rows.map((p) => p.photo_hash))], linkedSubjects: ids.slice(1) };
    });
    // Marks the dead key rows' space for reuse now rather than at autovacuum's next pass.
    await this.pool.query('VACUUM subject_keys').catch(() => undefined);
    return result;
  }

  close(): void {
    // The pool belongs to the infrastructure module, which ends it.
  }
}

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ensurePrivateDir, makePrivate } from '../private-files';
import { KeyStore, SubjectKey } from './key-store.port';

/**
 * Keys in a file of their own (`keys.sqlite` in the data directory), apart from the event log so
 * it can be backed up and restored apart from it. `secure_delete` overwrites deleted rows with
 * zeros; the WAL, which still holds the old pages, is checkpointed and truncated after an erasure.
 * synchronous FULL: a key must be on disk before the event sealed under it is appended.
 */
export class SqliteKeyStore implements KeyStore {
  private readonly db: Database.Database;

  constructor(dataDir: string) {
    ensurePrivateDir(dataDir);
    const file = join(dataDir, 'keys.sqlite');
    this.db = new Database(file);
    makePrivate(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('secure_delete = ON');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS subject_keys (tenant TEXT NOT NULL, subject_id TEXT NOT NULL, lookup TEXT NOT NULL, wrapped_key BLOB NOT NULL,
        PRIMARY KEY (tenant, subject_id), UNIQUE (tenant, lookup));
      CREATE TABLE IF NOT EXISTS subject_entries (tenant TEXT NOT NULL, subject_id TEXT NOT NULL, entry_id TEXT NOT NULL, photo_hash TEXT NOT NULL,
        PRIMARY KEY (tenant, subject_id, entry_id));`);
  }

  async subjectFor(tenant: string, lookup: string, created: SubjectKey): Promise<SubjectKey> {
    // Most captures are of a plate seen before: a read, no write.
    const known = await this.findByLookup(tenant, lookup);
    if (known) return known;
    this.db.prepare('INSERT OR IGNORE INTO subject_keys (tenant, subject_id, lookup, wrapped_key) VALUES (?, ?, ?, ?)').run(tenant, created.subjectId, lookup, created.wrappedKey);
    const found = await this.findByLookup(tenant, lookup);
    if (!found) throw new Error('subject key vanished right after it was written');
    return found;
  }

  async findByLookup(tenant: string, lookup: string): Promise<SubjectKey | null> {
    const row = this.db.prepare('SELECT subject_id, wrapped_key FROM subject_keys WHERE tenant = ? AND lookup = ?').get(tenant, lookup) as { subject_id: string; wrapped_key: Buffer } | undefined;
    return row ? { subjectId: row.subject_id, wrappedKey: row.wrapped_key } : null;
  }

  async keyOf(tenant: string, subjectId: string): Promise<Buffer | null> {
    const row = this.db.prepare('SELECT wrapped_key FROM subject_keys WHERE tenant = ? AND subject_id = ?').get(tenant, subjectId) as { wrapped_key: Buffer } | undefined;
    return row?.wrapped_key ?? null;
  }

  async linkEntry(tenant: string, subjectId: string, entryId: string, photoHash: string): Promise<void> {
    this.db.prepare('INSERT OR IGNORE INTO subject_entries (tenant, subject_id, entry_id, photo_hash) VALUES (?, ?, ?, ?)').run(tenant, subjectId, entryId, photoHash);
  }

  async erase(tenant: string, subjectId: string): Promise<{ existed: boolean; photoHashes: string[] }> {
    const run = this.db.transaction(() => {
      const photos = this.db.prepare('SELECT photo_hash FROM subject_entries WHERE tenant = ? AND subject_id = ?').all(tenant, subjectId) as { photo_hash: string }[];
      const deleted = this.db.prepare('DELETE FROM subject_keys WHERE tenant = ? AND subject_id = ?').run(tenant, subjectId).changes;
      this.db.prepare('DELETE FROM subject_entries WHERE tenant = ? AND subject_id = ?').run(tenant, subjectId);
      return { existed: deleted > 0, photoHashes: [...new Set(photos.map((p) => p.photo_hash))] };
    });
    const result = run();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return result;
  }

  close(): void {
    this.db.close();
  }
}

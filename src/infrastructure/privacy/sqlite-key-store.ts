import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ensurePrivateDir, makePrivate } from '../private-files';
import { ErasedSubjects, ExpiredPhotos } from '../../ports/personal-data-retention.port';
import { ErasedSubject, KeyStore, PhotoKey, SubjectKey, withShredded } from './key-store.port';

/**
 * Keys in a file of their own (`keys.sqlite` in the data directory), apart from the event log so
 * it can be backed up and restored apart from it. `secure_delete` overwrites deleted rows with
 * zeros; the WAL, which still holds the old pages, is checkpointed and truncated after an erasure.
 * synchronous FULL: a subject key must be on disk before the event sealed under it is appended.
 * An entry's link and photo key are written with synchronous NORMAL, on a second connection that
 * keeps that setting (no fsync of their own; the next FULL commit or checkpoint syncs them): lost in a power cut, the entry's photo has no key
 * (unreadable, as if erased), which never leaves a readable photo erasure cannot reach.
 */
export class SqliteKeyStore implements KeyStore {
  private readonly db: Database.Database;
  /** The same file, synchronous NORMAL: an entry's link and photo key (see the class comment). */
  private readonly links: Database.Database;
  /** Statements of the request path, compiled once. */
  private readonly hot: {
    findByLookup: Database.Statement;
    keyOf: Database.Statement;
    photoKeyOf: Database.Statement;
    insertPhoto: Database.Statement;
    insertLink: Database.Statement;
    seen: Database.Statement;
  };

  constructor(dataDir: string) {
    ensurePrivateDir(dataDir);
    const file = join(dataDir, 'keys.sqlite');
    this.db = new Database(file);
    makePrivate(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('secure_delete = ON');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS subject_keys (tenant TEXT NOT NULL, subject_id TEXT NOT NULL, lookup TEXT NOT NULL, wrapped_key BLOB NOT NULL, last_seen_at INTEGER,
        PRIMARY KEY (tenant, subject_id), UNIQUE (tenant, lookup));
      CREATE TABLE IF NOT EXISTS subject_entries (tenant TEXT NOT NULL, subject_id TEXT NOT NULL, entry_id TEXT NOT NULL, photo_hash TEXT NOT NULL, linked_at INTEGER,
        PRIMARY KEY (tenant, subject_id, entry_id));
      CREATE TABLE IF NOT EXISTS entry_photos (tenant TEXT NOT NULL, entry_id TEXT NOT NULL, blob_hash TEXT NOT NULL, wrapped_key BLOB NOT NULL, created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant, entry_id));
      CREATE INDEX IF NOT EXISTS entry_photos_created ON entry_photos (tenant, created_at);`);
    this.addTimes();
    this.db.exec(`
      CREATE INDEX IF NOT EXISTS subject_keys_seen ON subject_keys (tenant, last_seen_at);
      CREATE INDEX IF NOT EXISTS subject_entries_linked ON subject_entries (tenant, linked_at);
      CREATE INDEX IF NOT EXISTS subject_entries_photo ON subject_entries (photo_hash);`);
    this.links = new Database(file);
    this.links.pragma('secure_delete = ON');
    this.links.pragma('synchronous = NORMAL');
    this.hot = {
      findByLookup: this.db.prepare('SELECT subject_id, wrapped_key FROM subject_keys WHERE tenant = ? AND lookup = ?'),
      keyOf: this.db.prepare('SELECT wrapped_key FROM subject_keys WHERE tenant = ? AND subject_id = ?'),
      photoKeyOf: this.db.prepare('SELECT blob_hash, wrapped_key FROM entry_photos WHERE tenant = ? AND entry_id = ?'),
      insertPhoto: this.links.prepare('INSERT OR IGNORE INTO entry_photos (tenant, entry_id, blob_hash, wrapped_key, created_at) VALUES (?, ?, ?, ?, ?)'),
      insertLink: this.links.prepare(
        'INSERT OR IGNORE INTO subject_entries (tenant, subject_id, entry_id, photo_hash, linked_at) VALUES (?, ?, ?, coalesce((SELECT blob_hash FROM entry_photos WHERE tenant = ? AND entry_id = ?), ?), ?)',
      ),
      seen: this.links.prepare('UPDATE subject_keys SET last_seen_at = max(coalesce(last_seen_at, 0), ?) WHERE tenant = ? AND subject_id = ?'),
    };
  }

  /**
   * A file made before retention has no times: the columns are added, and its rows count as seen
   * and linked now (retention then removes them one retention period after the upgrade, never sooner).
   */
  private addTimes(): void {
    const has = (table: string, column: string) => (this.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some((c) => c.name === column);
    const now = Date.now();
    this.db.transaction(() => {
      if (!has('subject_keys', 'last_seen_at')) {
        this.db.exec('ALTER TABLE subject_keys ADD COLUMN last_seen_at INTEGER');
        this.db.prepare('UPDATE subject_keys SET last_seen_at = ?').run(now);
      }
      if (!has('subject_entries', 'linked_at')) {
        this.db.exec('ALTER TABLE subject_entries ADD COLUMN linked_at INTEGER');
        this.db.prepare('UPDATE subject_entries SET linked_at = ?').run(now);
      }
    })();
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
    const row = this.hot.findByLookup.get(tenant, lookup) as { subject_id: string; wrapped_key: Buffer } | undefined;
    return row ? { subjectId: row.subject_id, wrappedKey: row.wrapped_key } : null;
  }

  async keyOf(tenant: string, subjectId: string): Promise<Buffer | null> {
    const row = this.hot.keyOf.get(tenant, subjectId) as { wrapped_key: Buffer } | undefined;
    return row?.wrapped_key ?? null;
  }

  async linkEntry(tenant: string, subjectId: string, entryId: string, photoHash: string, at: Date, photoKey?: PhotoKey): Promise<void> {
    const ms = at.getTime();
    // One transaction: the entry's photo key (a retried capture keeps its first), the link (with its first
    // time; naming the entry's sealed photo when it has one) and the subject's last sighting. Not synced on
    // its own (see the class comment): a capture would otherwise wait for a second fsync beside the log's.
    this.links.transaction(() => {
      if (photoKey) this.hot.insertPhoto.run(tenant, entryId, photoKey.blobHash, photoKey.wrappedKey, ms);
      this.hot.insertLink.run(tenant, subjectId, entryId, tenant, entryId, photoHash, ms);
      this.hot.seen.run(ms, tenant, subjectId);
    })();
  }

  async photoKeyOf(tenant: string, entryId: string): Promise<PhotoKey | null> {
    const row = this.hot.photoKeyOf.get(tenant, entryId) as { blob_hash: string; wrapped_key: Buffer } | undefined;
    return row ? { blobHash: row.blob_hash, wrappedKey: row.wrapped_key } : null;
  }

  async tenants(): Promise<string[]> {
    return (this.db.prepare('SELECT DISTINCT tenant FROM subject_keys ORDER BY tenant').all() as { tenant: string }[]).map((r) => r.tenant);
  }

  async expireEntries(tenant: string, before: Date): Promise<ExpiredPhotos> {
    const run = this.db.transaction(() => {
      const hashes = this.db.prepare('SELECT DISTINCT photo_hash FROM subject_entries WHERE tenant = ? AND linked_at < ?').all(tenant, before.getTime()) as { photo_hash: string }[];
      const entries = this.db.prepare('DELETE FROM subject_entries WHERE tenant = ? AND linked_at < ?').run(tenant, before.getTime()).changes;
      // Photos sealed under keys of their own entries: the keys of entries captured before the cut-off go (the photos are shredded).
      const sealed = this.db.prepare('SELECT blob_hash FROM entry_photos WHERE tenant = ? AND created_at < ?').all(tenant, before.getTime()) as { blob_hash: string }[];
      this.db.prepare('DELETE FROM entry_photos WHERE tenant = ? AND created_at < ?').run(tenant, before.getTime());
      return { entries, ...withShredded(this.splitByUse(hashes.map((h) => h.photo_hash)), sealed.map((r) => r.blob_hash)) };
    });
    const result = run();
    if (result.entries > 0 || result.unusedPhotoHashes.length > 0) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return result;
  }

  async eraseUnseenSince(tenant: string, before: Date): Promise<ErasedSubjects> {
    const run = this.db.transaction(() => {
      const unseen = 'SELECT subject_id FROM subject_keys WHERE tenant = ? AND last_seen_at < ?';
      const hashes = this.db.prepare(`SELECT DISTINCT photo_hash FROM subject_entries WHERE tenant = ? AND subject_id IN (${unseen})`).all(tenant, tenant, before.getTime()) as { photo_hash: string }[];
      this.db.prepare(`DELETE FROM entry_photos WHERE tenant = ? AND entry_id IN (SELECT entry_id FROM subject_entries WHERE tenant = ? AND subject_id IN (${unseen}))`).run(tenant, tenant, tenant, before.getTime());
      const entries = this.db.prepare(`DELETE FROM subject_entries WHERE tenant = ? AND subject_id IN (${unseen})`).run(tenant, tenant, before.getTime()).changes;
      const subjects = this.db.prepare('DELETE FROM subject_keys WHERE tenant = ? AND last_seen_at < ?').run(tenant, before.getTime()).changes;
      return { subjects, entries, ...this.splitByUse(hashes.map((h) => h.photo_hash)) };
    });
    const result = run();
    if (result.subjects > 0 || result.entries > 0) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return result;
  }

  /** Photos are content-addressed: one still linked by any entry (of any tenant) is kept. */
  private splitByUse(hashes: readonly string[]): { unusedPhotoHashes: string[]; photosInUse: number } {
    const used = this.db.prepare('SELECT 1 FROM subject_entries WHERE photo_hash = ? LIMIT 1');
    const unusedPhotoHashes = hashes.filter((h) => used.get(h) === undefined);
    return { unusedPhotoHashes, photosInUse: hashes.length - unusedPhotoHashes.length };
  }

  async erase(tenant: string, subjectId: string): Promise<ErasedSubject> {
    const run = this.db.transaction(() => {
      // An entry corrected or labeled to another plate is in both subjects: erasing either erases both.
      const linked = this.db
        .prepare('SELECT DISTINCT subject_id FROM subject_entries WHERE tenant = ? AND subject_id <> ? AND entry_id IN (SELECT entry_id FROM subject_entries WHERE tenant = ? AND subject_id = ?)')
        .all(tenant, subjectId, tenant, subjectId) as { subject_id: string }[];
      const ids = [subjectId, ...linked.map((l) => l.subject_id)];
      const photos: string[] = [];
      let existed = false;
      for (const id of ids) {
        this.db.prepare('DELETE FROM entry_photos WHERE tenant = ? AND entry_id IN (SELECT entry_id FROM subject_entries WHERE tenant = ? AND subject_id = ?)').run(tenant, tenant, id);
        photos.push(...(this.db.prepare('SELECT photo_hash FROM subject_entries WHERE tenant = ? AND subject_id = ?').all(tenant, id) as { photo_hash: string }[]).map((p) => p.photo_hash));
        const deleted = this.db.prepare('DELETE FROM subject_keys WHERE tenant = ? AND subject_id = ?').run(tenant, id).changes;
        if (id === subjectId) existed = deleted > 0;
        this.db.prepare('DELETE FROM subject_entries WHERE tenant = ? AND subject_id = ?').run(tenant, id);
      }
      return { existed, photoHashes: [...new Set(photos)], linkedSubjects: ids.slice(1) };
    });
    const result = run();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return result;
  }

  close(): void {
    this.links.close();
    this.db.close();
  }
}

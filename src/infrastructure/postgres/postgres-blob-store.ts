import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { ValidationError } from '../../domain/shared/errors';
import { type BlobStore, type StoredBlob, isBlobHash } from '../../ports/blob-store.port';

/**
 * Blobs (photos, models, training rows) in the database, so instances on several hosts share
 * them with nothing on local disk. Content-addressed: a second put of the same bytes is a no-op.
 */
export class PostgresBlobStore implements BlobStore {
  constructor(private readonly pool: Pool) {}

  async put(bytes: Buffer, contentType?: string): Promise<StoredBlob> {
    const hash = createHash('sha256').update(bytes).digest('hex');
    await this.pool.query('INSERT INTO blobs (hash, size, content_type, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING', [
      hash,
      bytes.length,
      contentType ?? null,
      bytes,
    ]);
    return { hash, size: bytes.length };
  }

  async get(hash: string): Promise<Buffer | null> {
    check(hash);
    const result = await this.pool.query<{ bytes: Buffer }>('SELECT bytes FROM blobs WHERE hash = $1', [hash]);
    return result.rows[0]?.bytes ?? null;
  }

  async has(hash: string): Promise<boolean> {
    check(hash);
    const result = await this.pool.query('SELECT 1 FROM blobs WHERE hash = $1', [hash]);
    return (result.rowCount ?? 0) > 0;
  }

  async delete(hash: string): Promise<void> {
    check(hash);
    await this.pool.query('DELETE FROM blobs WHERE hash = $1', [hash]);
  }
}

function check(hash: string): void {
  if (!isBlobHash(hash)) throw new ValidationError('blob hash must be 64 lower-case hex characters', { fields: { hash: ['malformed'] } });
}

import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ValidationError } from '../../domain/shared/errors';
import { type BlobStore, type StoredBlob, isBlobHash } from '../../ports/blob-store.port';

/**
 * Stores each blob at `<root>/<hash[0..2]>/<hash>`. The two-character fan-out keeps
 * directories small. Writes go to a temp file in the same directory, are fsynced, then renamed:
 * a crash leaves either no file or the complete file, never a torn one under the final name.
 * The content type is not stored: callers keep it in the event that references the hash.
 */
export class FileSystemBlobStore implements BlobStore {
  constructor(private readonly rootDir: string) {}

  async put(bytes: Buffer, _contentType?: string): Promise<StoredBlob> {
    const hash = createHash('sha256').update(bytes).digest('hex');
    const target = this.pathFor(hash);
    if (await this.exists(target)) return { hash, size: bytes.length };
    const dir = path.dirname(target);
    // Photos are personal data: folders 0700, files 0600 (the umask can only narrow these).
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = path.join(dir, `.${hash}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      // Concurrent puts of the same bytes both rename identical content: last one wins harmlessly.
      await fs.rename(temp, target);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    await this.syncDirectory(dir);
    return { hash, size: bytes.length };
  }

  async get(hash: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.pathFor(this.checked(hash)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(hash: string): Promise<void> {
    await fs.rm(this.pathFor(this.checked(hash)), { force: true });
  }

  async has(hash: string): Promise<boolean> {
    return this.exists(this.pathFor(this.checked(hash)));
  }

  /** The hash becomes a path, so only exact sha256 hex is accepted: no "..", no separators. */
  private checked(hash: string): string {
    if (!isBlobHash(hash)) throw new ValidationError('blob hash must be 64 lower-case hex characters', { hash: hash.slice(0, 80) });
    return hash;
  }

  private pathFor(hash: string): string {
    return path.join(this.rootDir, hash.slice(0, 2), hash);
  }

  private async exists(file: string): Promise<boolean> {
    try {
      await fs.access(file);
      return true;
    } catch {
      return false;
    }
  }

  /** Makes the rename itself durable; some platforms cannot open directories, which is fine. */
  private async syncDirectory(dir: string): Promise<void> {
    try {
      const handle = await fs.open(dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      // best effort: the data file itself is already fsynced
    }
  }
}

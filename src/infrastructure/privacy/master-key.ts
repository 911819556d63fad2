import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir } from '../private-files';

/** DATA_KEY, else one random key generated once into the data directory (mode 0600), as the JWT secret. */
export function resolveMasterKey(configured: string | null, dataDir: string): Buffer {
  if (configured) return Buffer.from(configured, 'hex');
  const file = join(dataDir, 'data-key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  ensurePrivateDir(dataDir);
  const key = randomBytes(32).toString('hex');
  try {
    writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
  } catch {
    // Another process created it first: use theirs.
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  }
  chmodSync(file, 0o600);
  return Buffer.from(key, 'hex');
}

import { chmodSync, existsSync, mkdirSync } from 'node:fs';

/**
 * The data directory holds personal data (plates, photos) and the signing secret: directories
 * 0700, files 0600, whatever the umask, so no other local user reads them.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Owner read/write only, for files that may already exist (created by another process or an older version). */
export function makePrivate(file: string): void {
  if (existsSync(file)) chmodSync(file, 0o600);
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteHandle, openSqlite } from '../../src/infrastructure/sqlite/sqlite-database';

/** A fresh SQLite file in its own temp directory; `remove` closes it and deletes the directory. */
export function tempSqlite(prefix: string): { db: SqliteHandle; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = openSqlite({ file: join(dir, 'flywheel.db') });
  return {
    db,
    remove: () => {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A contract run that needs a server: skipped, visibly, when its variable is not set. */
export function skipWithoutServer(suite: string, variable: string): void {
  describe(suite, () => {
    it.skip(`skipped: set ${variable} to run this adapter against a real server`, () => undefined);
  });
  process.stdout.write(`${suite} skipped (${variable} not set)\n`);
}

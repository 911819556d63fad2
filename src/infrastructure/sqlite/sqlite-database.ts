import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { makePrivate } from '../private-files';

export type SqliteHandle = Database.Database;

export interface SqliteOptions {
  readonly file: string;
  /** FULL survives power loss; NORMAL survives a killed process. */
  readonly synchronous?: 'FULL' | 'NORMAL';
}

/**
 * One SQLite file holds events, read models and checkpoints. WAL lets the CLI and the server
 * open it at once (one writer at a time; the busy timeout makes the other wait, not fail).
 */
export function openSqlite(options: SqliteOptions): SqliteHandle {
  const onDisk = options.file !== ':memory:';
  if (onDisk) {
    mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
    // Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the database's mode.
    closeSync(openSync(options.file, 'a', 0o600));
    makePrivate(options.file);
  }
  const db = new Database(options.file);
  db.pragma('journal_mode = WAL');
  if (onDisk) for (const suffix of ['-wal', '-shm']) makePrivate(`${options.file}${suffix}`);
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * better-sqlite3 transactions are synchronous; `immediate` takes the write lock at BEGIN so a
 * read-then-write (the hash chain, checkpoints) cannot interleave with another process.
 */
export function immediate<T>(db: SqliteHandle, fn: () => T): T {
  return db.transaction(fn).immediate();
}

/** The handle's durability setting, so a writer thread opened on the same file keeps it. */
export function synchronousOf(db: SqliteHandle): 'FULL' | 'NORMAL' {
  return Number(db.pragma('synchronous', { simple: true })) >= 2 ? 'FULL' : 'NORMAL';
}

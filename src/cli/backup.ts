import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { AppConfig } from '../config';
import { verifyChain } from '../domain/shared/hash-chain';
import { UpcasterRegistry } from '../domain/shared/upcasting';
import { SqliteEventStore } from '../infrastructure/event-store/sqlite-event-store';
import { CliFailure, EXIT, jsonLine, progress } from './output';

const DB_FILE = 'flywheel.db';
const FORMAT = '1';

/**
 * A backup is one SQLite file: the store copied page by page with SQLite's online backup API
 * (a consistent snapshot while the server keeps writing), plus the blobs and the generated JWT
 * secret in a `backup_files` table. Blobs are copied after the snapshot and are only ever added,
 * so every blob an event of the snapshot refers to is in the backup.
 */
export async function backup(file: string, config: AppConfig): Promise<void> {
  embeddedOnly(config);
  const source = join(config.dataDir, DB_FILE);
  if (!existsSync(source)) throw new CliFailure(`no store at ${source}: DATA_DIR holds nothing to back up`, EXIT.refused, 'not_found');
  const target = resolve(file);
  const partial = `${target}.partial-${process.pid}`;
  const db = new Database(source, { fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  try {
    // One step: one read transaction over the whole file. Copied in small steps, each write of the
    // running server would restart the copy, and a busy server would keep it from ever finishing.
    // In WAL mode the read transaction does not block the server's writes.
    await db.backup(partial, { progress: ({ totalPages }) => Math.max(totalPages, 1) });
  } finally {
    db.close();
  }
  const out = new Database(partial);
  try {
    out.exec('CREATE TABLE backup_files (path TEXT PRIMARY KEY, content BLOB NOT NULL); CREATE TABLE backup_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const insert = out.prepare('INSERT INTO backup_files (path, content) VALUES (?, ?)');
    const files = dataFiles(config.dataDir);
    out.transaction(() => files.forEach((path) => insert.run(path, readFileSync(join(config.dataDir, path)))))();
    const events = (out.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    const meta = out.prepare('INSERT INTO backup_meta (key, value) VALUES (?, ?)');
    meta.run('format', FORMAT);
    meta.run('created_at', new Date().toISOString());
    out.close();
    renameSync(partial, target);
    jsonLine({ backup: target, events, blobs: files.filter((f) => f.startsWith(`blobs${sep}`)).length, bytes: statSync(target).size });
  } catch (error) {
    if (out.open) out.close();
    rmSync(partial, { force: true });
    throw error;
  }
}

/** Puts a backup back on a stopped service, after verifying every stream's hash chain in it. */
export async function restore(file: string, config: AppConfig, force: boolean): Promise<void> {
  embeddedOnly(config);
  const source = resolve(file);
  if (!existsSync(source)) throw new CliFailure(`no backup at ${source}`, EXIT.refused, 'not_found');
  const target = join(config.dataDir, DB_FILE);
  if (existsSync(target)) {
    const holder = runningService(target);
    if (holder) throw new CliFailure(`a running service (${holder}) uses ${config.dataDir}: stop it before restoring`, EXIT.refused, 'refused');
    if (!force) throw new CliFailure(`${target} already exists: pass --force to replace it`, EXIT.refused, 'refused');
  }
  mkdirSync(config.dataDir, { recursive: true });
  const staged = join(config.dataDir, `.restore-${process.pid}.db`);
  try {
    const original = new Database(source, { readonly: true, fileMustExist: true });
    const format = original.prepare(`SELECT value FROM backup_meta WHERE key = 'format'`).pluck().get();
    if (format !== FORMAT) throw new CliFailure(`${source} is not a flywheel backup (format ${String(format)})`, EXIT.usage, 'usage');
    await original.backup(staged);
    original.close();
    const db = new Database(staged);
    const streams = await verifyEveryChain(db);
    const files = db.prepare('SELECT path, content FROM backup_files').all() as { path: string; content: Buffer }[];
    db.exec('DROP TABLE backup_files; DROP TABLE backup_meta');
    db.close();
    for (const f of files) writeRestored(config.dataDir, f.path, f.content);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
    renameSync(staged, target);
    jsonLine({ restored: source, data_dir: config.dataDir, chains_verified: streams, files: files.length });
  } finally {
    rmSync(staged, { force: true });
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${staged}${suffix}`, { force: true });
  }
}

async function verifyEveryChain(db: Database.Database): Promise<number> {
  const events = new SqliteEventStore(db, new UpcasterRegistry());
  const streams = db.prepare('SELECT DISTINCT stream FROM events ORDER BY stream').pluck().all() as string[];
  progress(`verifying the hash chains of ${streams.length} streams`);
  for (const stream of streams) {
    const r = verifyChain(await events.readStream(stream, { raw: true }));
    if (!r.valid) {
      db.close();
      throw new CliFailure(`stream ${stream} is broken at revision ${r.firstBrokenRevision} (${r.reason}): nothing restored`, EXIT.integrity, 'integrity');
    }
  }
  return streams.length;
}

function runningService(dbFile: string): string | null {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const hasLeases = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'leases'`).get();
    if (!hasLeases) return null;
    const row = db.prepare('SELECT owner FROM leases WHERE expires_at > ? LIMIT 1').get(Date.now()) as { owner: string } | undefined;
    return row?.owner ?? null;
  } finally {
    db.close();
  }
}

/** The files a backup carries: the blobs (not half-written temporaries) and the generated JWT secret. */
function dataFiles(dataDir: string): string[] {
  const out: string[] = [];
  if (existsSync(join(dataDir, 'jwt-secret'))) out.push('jwt-secret');
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && !entry.name.endsWith('.tmp')) out.push(relative(dataDir, path));
    }
  };
  walk(join(dataDir, 'blobs'));
  return out;
}

function writeRestored(dataDir: string, path: string, content: Buffer): void {
  const full = resolve(dataDir, path);
  if (!full.startsWith(resolve(dataDir) + sep)) throw new CliFailure(`backup entry ${path} points outside DATA_DIR`, EXIT.integrity, 'integrity');
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content, { mode: path === 'jwt-secret' ? 0o600 : 0o644 });
}

function embeddedOnly(config: AppConfig): void {
  if (config.eventStoreConnectionString || config.mongodbUri) {
    throw new CliFailure('backup and restore cover the embedded SQLite store; back up EventStoreDB and MongoDB with their own tools (see the README)', EXIT.usage, 'usage');
  }
}

export const BACKUP_USAGE = 'npm run cli -- backup <file> | npm run cli -- restore <file> [--force]';

/** `backup <file>` and `restore <file> [--force]`: run without Nest, so nothing else opens the store. */
export async function runBackupCommand(command: 'backup' | 'restore', argv: readonly string[], config: AppConfig): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], strict: true, allowPositionals: true, options: { force: { type: 'boolean' } } });
  } catch (error) {
    throw new CliFailure(`${error instanceof Error ? error.message : String(error)}; usage: ${BACKUP_USAGE}`, EXIT.usage);
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length) throw new CliFailure(`${command} takes one file; usage: ${BACKUP_USAGE}`, EXIT.usage);
  if (command === 'backup') {
    if (parsed.values.force) throw new CliFailure(`--force is for restore; usage: ${BACKUP_USAGE}`, EXIT.usage);
    await backup(file, config);
  } else {
    await restore(file, config, parsed.values.force ?? false);
  }
}

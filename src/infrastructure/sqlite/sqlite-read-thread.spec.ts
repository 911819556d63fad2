import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { CURRENT_FEATURE_DEFINITION, ConflictFeatures } from '../../ml/conflict-features';
import { CONFLICT_FEATURE_READS, FeaturesAtArgs, featuresAtOnThread } from '../../projections/conflict-features/conflict-features.reads';
import { entityKey } from '../../domain/sync/sync.events';
import { ENTITY_HISTORY, conflictFeaturesProjection } from '../../projections/conflict-features/conflict-features.projection';
import { bucketId, periodOf } from '../../projections/conflict-features/conflict-history';
import { physicalName } from '../../runtime/projection-catalog';
import { SqliteReadStore } from '../read-store/sqlite-read-store';
import { openSqlite } from './sqlite-database';
import { SqliteReadThread } from './sqlite-read-thread';

const args: FeaturesAtArgs = { tenant: 't', userId: 'u', entityType: 'meter', entityId: 'm', fields: ['value'], atMs: Date.parse('2026-03-01T12:00:00Z'), definition: CURRENT_FEATURE_DEFINITION };

describe('SqliteReadThread: queries on a thread of their own', () => {
  let dir: string;
  let file: string;
  let thread: SqliteReadThread;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'read-thread-'));
    file = join(dir, 'flywheel.db');
    const db = openSqlite({ file });
    const store = new SqliteReadStore(db);
    // Entities e0..e9 with i recent syncs each by other users, so answers differ by entity.
    const collection = physicalName(ENTITY_HISTORY, { version: conflictFeaturesProjection.version, generation: 1 });
    const period = periodOf(args.atMs);
    for (let i = 0; i < 10; i++) {
      const key = entityKey(args.tenant, 'meter', `e${i}`);
      const syncs = Array.from({ length: i }, (_, j) => ({ s: `s-${i}-${j}`, u: `other-${j}`, at: args.atMs - (j + 1) * 60_000, f: ['value'] }));
      await store.upsert(collection, bucketId(key, period), { entity_key: key, period, syncs });
    }
    db.close();
  });
  beforeEach(() => {
    thread = new SqliteReadThread(file);
  });
  afterEach(() => thread.close());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const features = () => thread.run<FeaturesAtArgs, ConflictFeatures>(CONFLICT_FEATURE_READS, featuresAtOnThread.name, args);

  it('answers what the query answers on the main thread, from another thread', async () => {
    const db = openSqlite({ file });
    const expected = await featuresAtOnThread(new SqliteReadStore(db), args);
    db.close();
    expect(await features()).toEqual(expected);
    expect(thread.lastThreadId).toEqual(expect.any(Number));
    expect(thread.lastThreadId).not.toBe(threadId);
  });

  it('answers queries sent in one turn (one message) each with its own answer', async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ ...args, entityId: `e${i % 10}`, fields: i % 2 === 0 ? ['value'] : [], atMs: args.atMs + i }));
    const answers = await Promise.all(many.map((a) => thread.run<FeaturesAtArgs, ConflictFeatures>(CONFLICT_FEATURE_READS, featuresAtOnThread.name, a)));
    const db = openSqlite({ file });
    const store = new SqliteReadStore(db);
    const expected = await Promise.all(many.map((a) => featuresAtOnThread(store, a)));
    db.close();
    expect(answers).toEqual(expected);
    expect(new Set(answers.map((a) => a.concurrent_editors)).size).toBeGreaterThanOrEqual(5);
  });

  it('loads query modules of the application only, and says which export is missing', async () => {
    await expect(thread.run(__filename.replace(/src\/.*$/, 'package.json'), 'x', {})).rejects.toThrow(/outside the application/);
    await expect(thread.run('relative/module', 'x', {})).rejects.toThrow(/outside the application/);
    await expect(thread.run(CONFLICT_FEATURE_READS, 'noSuchQuery', {})).rejects.toThrow(`${CONFLICT_FEATURE_READS} exports no query noSuchQuery`);
    // Refusals leave the thread serving.
    expect((await features()).hours_since_last_sync).toBe(168);
  });

  it('fails the queries of a thread that dies, and answers the next ones from a new thread', async () => {
    const first = await features();
    const before = thread.lastThreadId;
    const worker = (thread as unknown as { worker: { terminate(): Promise<number> } }).worker;
    const pending = features();
    await worker.terminate();
    await expect(pending).rejects.toThrow(/exited/);
    expect(await features()).toEqual(first);
    expect(thread.lastThreadId).not.toBe(before);
  });

  it('refuses queries once closed', async () => {
    await features();
    await thread.close();
    await expect(features()).rejects.toThrow('the SQLite read thread is closed');
  });
});

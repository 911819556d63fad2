import { threadId } from 'node:worker_threads';
import { UpcasterRegistry } from '../../src/domain/shared/upcasting';
import { EVENT_STORE } from '../../src/ports/event-store.port';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { SqliteHandle } from '../../src/infrastructure/sqlite/sqlite-database';
import { SQLITE } from '../../src/infrastructure/tokens';
import { startTestApp } from '../support/app';
import { waitQuiet } from '../support/read-models';
import { tempSqlite } from '../support/sqlite';
import { newEvent } from './event-store.contract';

/**
 * The SQLite writer: appends commit in a worker thread, those arriving together in one
 * transaction, and the main thread's handle cannot write at all.
 */
describe('SQLite event store: writer thread and group commit', () => {
  it('commits concurrent appends in a thread other than the main one, several per transaction', async () => {
    const { db, remove } = tempSqlite('es-writer-');
    const store = new SqliteEventStore(db, new UpcasterRegistry());
    try {
      const streams = Array.from({ length: 50 }, (_, i) => `thing-${i}`);
      const results = await Promise.all(streams.map((s) => store.append(s, [newEvent('A', {})], 'no_stream')));
      expect(new Set(results.map((r) => r.position)).size).toBe(50);
      const stats = store.writerStats();
      expect(stats?.operations).toBe(50);
      expect(stats?.threadId).not.toBeNull();
      expect(stats?.threadId).not.toBe(threadId);
      // Sent in one tick, they cannot each have waited for their own commit.
      expect(stats?.largestGroup).toBeGreaterThan(1);
      expect(stats?.groups).toBeLessThan(50);
    } finally {
      await store.close();
      remove();
    }
  });

  it('in the app, the main thread handle is query-only while commands, projections and checkpoints all commit', async () => {
    const app = await startTestApp();
    try {
      const db = app.app.get<SqliteHandle>(SQLITE);
      expect(db.pragma('query_only', { simple: true })).toBe(1);
      expect(() => db.exec("INSERT INTO checkpoints (name, position, updated_at) VALUES ('x', 1, 'now')")).toThrow(/readonly/);
      const guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
      const ops = app.token({ sub: 'ops', tenant: 'acme', roles: ['ops'] });
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          fetch(`${app.baseUrl}/api/v2/sync/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${guard}`, 'content-type': 'application/json' },
            body: JSON.stringify({ sync_id: `s-${i}`, entity_type: 'work_order', entity_id: `wo-${i}`, device_id: 'd-1', fields: ['status'], synced_at: new Date().toISOString() }),
          }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
      await waitQuiet(app.baseUrl, ops);
      const store = app.app.get<SqliteEventStore>(EVENT_STORE);
      expect(store.writerStats()?.threadId).not.toBe(threadId);
      const checkpoints = db.prepare('SELECT COUNT(*) AS n FROM checkpoints WHERE position > 0').get() as { n: number };
      expect(checkpoints.n).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});

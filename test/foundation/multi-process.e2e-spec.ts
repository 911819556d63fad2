import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpcasterRegistry } from '../../src/domain/shared/upcasting';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { openSqlite } from '../../src/infrastructure/sqlite/sqlite-database';
import { newEvent } from '../contracts/event-store.contract';
import { TEST_JWT_SECRET, TestApp, startTestApp } from '../support/app';
import { runCli } from '../support/cli';
import { projections } from '../support/read-models';

describe('several processes on one SQLite file', () => {
  it('a subscription notices appends made through another connection (another process)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'multi-'));
    const file = join(dir, 'flywheel.db');
    const dbA = openSqlite({ file });
    const dbB = openSqlite({ file });
    const reader = new SqliteEventStore(dbA, new UpcasterRegistry(), { pollIntervalMs: 20 });
    const writer = new SqliteEventStore(dbB, new UpcasterRegistry());
    const abort = new AbortController();
    const seen: unknown[] = [];
    const consuming = (async () => {
      for await (const e of reader.subscribeAll({ signal: abort.signal })) {
        seen.push(e.data.n);
        if (seen.length === 2) abort.abort();
      }
    })();
    await writer.append('other-1', [newEvent('Appended', { n: 1 })], 'no_stream');
    await writer.append('other-1', [newEvent('Appended', { n: 2 })], 0);
    await consuming;
    expect(seen).toEqual([1, 2]);
    await reader.close();
    await writer.close();
    dbA.close();
    dbB.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('a CLI rebuild beside a running server', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp();
      const guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
      for (let i = 0; i < 30; i++) {
        const res = await fetch(`${app.baseUrl}/api/v2/sync/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${guard}`, 'content-type': 'application/json' },
          body: JSON.stringify({ entity_type: 'work_order', entity_id: `wo-${i % 3}`, device_id: 'd1', fields: ['status'] }),
        });
        expect(res.status).toBe(201);
      }
    });
    afterAll(() => app.close());

    it('is performed by the server holding the lease, followed by the CLI, and switches generations once', async () => {
      const ops = app.token({ sub: 'ops', tenant: 'acme', roles: ['ops'] });
      const before = await projections(app.baseUrl, ops);
      const target = before[0];
      // The CLI on the server's store, whatever the environment selects.
      const result = await runCli(['projections:rebuild', target.name], { DATA_DIR: app.dataDir, JWT_SECRET: TEST_JWT_SECRET, ...app.storeEnv });
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/a running service \(.+\) holds the projection lease/);
      expect(result.stderr).not.toContain('no running service');
      const summary = JSON.parse(result.stdout.trim().split('\n').pop() as string) as { status: string; active: { generation: number } };
      expect(summary.status).toBe('rebuilt');
      const after = (await projections(app.baseUrl, ops)).find((p) => p.name === target.name);
      expect(after?.collections).not.toEqual(target.collections);
      expect(after?.collections[0]).toMatch(new RegExp(`_g${summary.active.generation}$`));
      expect(after?.status).toBe('live');
    });
  });
});

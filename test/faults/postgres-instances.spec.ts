import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { JwtService } from '../../src/infrastructure/auth/jwt';
import { TEST_JWT_SECRET } from '../support/app';
import { ChildServer, freePort } from '../support/child-server';
import { renderPlatePhoto } from '../support/photos';
import { TEST_DATABASE_URL, freshDatabase } from '../support/postgres';
import { TEST_DATA_KEY } from '../support/test-stores';
import { skipWithoutServer } from '../support/sqlite';

jest.setTimeout(300_000);

/**
 * Three instances, each with its own DATA_DIR, sharing only one PostgreSQL database. The leader
 * is killed -9 under load: every command it acknowledged is in the shared log exactly once, and
 * another instance takes over and serves them.
 */
if (TEST_DATABASE_URL) {
  describe('three instances on one PostgreSQL database, kill -9 of the leader', () => {
    const jwt = new JwtService(TEST_JWT_SECRET);
    const guard = jwt.sign({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    const auditor = jwt.sign({ sub: 'a1', tenant: 'acme', roles: ['auditor', 'ops'] });
    const dirs: string[] = [];
    const servers: ChildServer[] = [];
    let db: { url: string; drop: () => Promise<void> };

    beforeAll(async () => {
      db = await freshDatabase('flywheel_instances');
      for (let i = 0; i < 3; i++) {
        dirs.push(mkdtempSync(join(tmpdir(), `instance-${i}-`)));
        servers.push(new ChildServer(dirs[i], await freePort(), { DATABASE_URL: db.url, DATA_KEY: TEST_DATA_KEY }));
      }
    });
    afterAll(async () => {
      for (const s of servers) await s.stop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      await db.drop();
    });

    it('loses no acknowledged command, appends none twice, and a survivor serves them all', async () => {
      const [leader, ...others] = servers;
      await leader.start();
      // The others start beside it (as standbys while the leader holds the projection lease).
      const starting = others.map((s) => s.start(240_000).then(() => s));
      starting.forEach((p) => p.catch(() => undefined));

      const acked: string[] = [];
      let next = 0;
      let killed = false;
      const send = async (i: number) => {
        const body = { sync_id: `s-${i}`, entity_type: 'work_order', entity_id: `wo-${i % 20}`, device_id: `d-${i % 5}`, fields: ['status'] };
        try {
          const res = await fetch(`${leader.baseUrl}/api/v2/sync/events`, { method: 'POST', headers: { authorization: `Bearer ${guard}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
          if (res.status === 201) acked.push(body.sync_id);
        } catch {
          if (!killed) throw new Error('request failed before the kill');
        }
      };
      const load = Promise.all(
        Array.from({ length: 16 }, async () => {
          while (!killed && next < 2000) await send(next++);
        }),
      );
      while (acked.length < 300) await new Promise((r) => setTimeout(r, 10));
      killed = true;
      await leader.kill9();
      await load;

      // 0 lost, none twice: straight from the shared log.
      const client = new Client({ connectionString: db.url });
      await client.connect();
      const rows = (await client.query<{ id: string; n: string }>("SELECT data->>'syncId' AS id, count(*) AS n FROM events WHERE type = 'SyncRecorded' GROUP BY 1")).rows;
      await client.end();
      const logged = new Map(rows.map((r) => [r.id, Number(r.n)]));
      expect(acked.filter((id) => !logged.has(id))).toEqual([]);
      expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);

      // Another instance, on its own data directory, takes over and serves every acknowledged command.
      const survivor = await Promise.any(starting);
      const seen = new Set<string>();
      for (let from: string | null = '1'; from; ) {
        const audit = await fetch(`${survivor.baseUrl}/api/v2/audit/events?type=SyncRecorded&limit=1000&from_position=${from}`, { headers: { authorization: `Bearer ${auditor}` } });
        expect(audit.status).toBe(200);
        const page = (await audit.json()) as { items: { data: { syncId: string } }[]; next_cursor: string | null };
        for (const e of page.items) seen.add(e.data.syncId);
        from = page.next_cursor;
      }
      expect(acked.filter((id) => !seen.has(id))).toEqual([]);
      const res = await fetch(`${survivor.baseUrl}/api/v2/sync/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${guard}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sync_id: 'after-kill', entity_type: 'work_order', entity_id: 'wo-1', device_id: 'd-1', fields: ['status'] }),
      });
      expect(res.status).toBe(201);

      // A plate sealed by one instance is read in the clear by another, and erased for all.
      const other = (await Promise.all(starting)).find((s) => s !== survivor)!;
      const form = new FormData();
      form.append('gate_id', 'north');
      form.append('photo', new Blob([new Uint8Array(await renderPlatePhoto('KXM4721'))], { type: 'image/png' }), 'plate.png');
      const captured = await fetch(`${survivor.baseUrl}/api/v2/vehicle-entries`, { method: 'POST', headers: { authorization: `Bearer ${guard}` }, body: form });
      expect(captured.status).toBe(201);
      const entry = (await captured.json()) as { entry_id: string; plate: string; position: string };
      expect(entry.plate).toBe('KXM4721');
      // As a client does: a 503 (the new leader's read models still catching up) is retried after its Retry-After.
      const readEntry = async () => {
        let r: Response;
        for (let tries = 0; ; tries++) {
          r = await fetch(`${other.baseUrl}/api/v2/vehicle-entries/${entry.entry_id}?min_position=${entry.position}`, { headers: { authorization: `Bearer ${guard}` } });
          if (r.status !== 503 || tries >= 30) break;
          await new Promise((done) => setTimeout(done, 1000));
        }
        expect(r.status).toBe(200);
        return (await r.json()) as { plate: string | null };
      };
      expect((await readEntry()).plate).toBe('KXM4721');
      const officer = jwt.sign({ sub: 'p1', tenant: 'acme', roles: ['privacy_officer'] });
      const erased = await fetch(`${other.baseUrl}/api/v2/privacy/erasures`, {
        method: 'POST',
        headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ plate: 'KXM4721', reason: 'data subject request' }),
      });
      expect(erased.status).toBe(201);
      expect((await readEntry()).plate).toBeNull();

      // Nothing of the service's state is kept in a data directory.
      for (const d of dirs) expect(readdirSync(d)).toEqual([]);
    });
  });
} else {
  skipWithoutServer('three instances on one PostgreSQL database', 'TEST_DATABASE_URL');
}

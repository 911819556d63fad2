import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtService } from '../../src/infrastructure/auth/jwt';
import { TEST_JWT_SECRET } from '../support/app';
import { ChildServer, freePort } from '../support/child-server';
import { projections, rebuildAll, snapshotReadModels, waitQuiet } from '../support/read-models';

const LEASE_SECONDS = 2;

/** Who holds the runner lease now, read from the shared file. */
function leaseOwner(dataDir: string): string | null {
  const db = new Database(join(dataDir, 'flywheel.db'), { readonly: true });
  try {
    const row = db.prepare("SELECT owner, expires_at FROM leases WHERE name = 'projection-runner'").get() as { owner: string; expires_at: number } | undefined;
    return row && row.expires_at > Date.now() ? row.owner : null;
  } finally {
    db.close();
  }
}

async function role(server: ChildServer): Promise<string | null> {
  try {
    const res = await fetch(`${server.baseUrl}/health`);
    return ((await res.json()) as { role?: string }).role ?? null;
  } catch {
    return null;
  }
}

/**
 * Three instances on one data directory behind a round-robin client: one leads projections and
 * sagas, two stand by and serve at once. Killing the leader with -9 under load hands the lease to
 * a standby within two lease periods; no acknowledged command is lost, no saga effect is applied
 * twice, and the read models equal a rebuild.
 */
describe('three instances on one data directory', () => {
  const TOTAL = Number(process.env.MULTI_INSTANCE_COMMANDS ?? 900);
  const CONCURRENCY = 24;
  let dataDir: string;
  let servers: ChildServer[] = [];
  const jwt = new JwtService(TEST_JWT_SECRET);
  const guards = ['g1', 'g2', 'g3'].map((sub) => jwt.sign({ sub, tenant: 'acme', roles: ['guard'] }));
  const ops = jwt.sign({ sub: 'ops1', tenant: 'acme', roles: ['ops', 'auditor'] });
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'multi-'));
    const env = { RUNNER_LEASE_SECONDS: String(LEASE_SECONDS), LOG_LEVEL: 'info' };
    servers = [new ChildServer(dataDir, await freePort(), env), new ChildServer(dataDir, await freePort(), env), new ChildServer(dataDir, await freePort(), env)];
    // The first one leads; the others find the lease taken and stand by.
    for (const server of servers) await server.start(300_000);
  }, 900_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
    process.stdout.write(`multi-instance figures: ${JSON.stringify(figures)}\n`);
  });

  it('a standby takes over from a killed leader; nothing acknowledged is lost or applied twice', async () => {
    const roles = await Promise.all(servers.map(role));
    expect(roles.filter((r) => r === 'leader')).toHaveLength(1);
    expect(roles.filter((r) => r === 'standby')).toHaveLength(2);
    const leader = servers[roles.indexOf('leader')];
    const survivors = servers.filter((s) => s !== leader);

    const acked = new Map<string, string>();
    let next = 0;
    let killedAt = 0;
    const send = async (i: number): Promise<void> => {
      const alive = killedAt ? survivors : servers;
      const server = alive[i % alive.length];
      const syncId = `s-${i}`;
      const body = { sync_id: syncId, entity_type: 'work_order', entity_id: `wo-${i % 30}`, device_id: `d-${i % 7}`, fields: ['status'], synced_at: new Date(Date.now() - (TOTAL - i) * 60_000).toISOString() };
      try {
        const res = await fetch(`${server.baseUrl}/api/v2/sync/events`, { method: 'POST', headers: { authorization: `Bearer ${guards[i % guards.length]}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const answer = (await res.json()) as { position?: string };
        if (res.status === 201 && answer.position) acked.set(syncId, answer.position);
      } catch {
        // cut by the kill: not acknowledged
      }
    };
    const load = Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < TOTAL) await send(next++);
      }),
    );
    while (acked.size < TOTAL / 3) await new Promise((r) => setTimeout(r, 5));
    await leader.kill9();
    killedAt = Date.now();
    let takeoverMs = -1;
    const oldOwner = leaseOwner(dataDir);
    while (Date.now() - killedAt < 4 * LEASE_SECONDS * 1000) {
      const owner = leaseOwner(dataDir);
      if (owner && owner !== oldOwner) {
        takeoverMs = Date.now() - killedAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    if (takeoverMs < 0) process.stdout.write(survivors.map((s) => s.output.slice(-3000)).join('\n----\n'));
    figures.lease_seconds = LEASE_SECONDS;
    figures.takeover_ms = takeoverMs;
    expect(takeoverMs).toBeGreaterThanOrEqual(0);
    expect(takeoverMs).toBeLessThanOrEqual(2 * LEASE_SECONDS * 1000);
    await load;
    figures.commands_acknowledged = acked.size;
    expect((await Promise.all(survivors.map(role))).sort()).toEqual(['leader', 'standby']);

    const newLeader = survivors[(await Promise.all(survivors.map(role))).indexOf('leader')];
    await waitQuiet(newLeader.baseUrl, ops);
    const db = new Database(join(dataDir, 'flywheel.db'), { readonly: true });
    const synced = db.prepare("SELECT json_extract(data, '$.syncId') AS id, COUNT(*) AS n FROM events WHERE type = 'SyncRecorded' GROUP BY 1").all() as { id: string; n: number }[];
    // A saga's command has a deterministic id per cause: the same cause twice would be a double effect.
    const twice = db
      .prepare("SELECT stream, type, json_extract(metadata, '$.causationId') AS cause, COUNT(*) AS n FROM events WHERE json_extract(metadata, '$.actorId') LIKE 'saga:%' GROUP BY 1, 2, 3 HAVING n > 1")
      .all();
    db.close();
    const logged = new Set(synced.map((r) => r.id));
    expect([...acked.keys()].filter((id) => !logged.has(id))).toEqual([]);
    expect(synced.filter((r) => r.n !== 1)).toEqual([]);
    expect(twice).toEqual([]);

    const infos = await projections(newLeader.baseUrl, ops);
    const before = snapshotReadModels(dataDir, infos);
    await rebuildAll(newLeader.baseUrl, ops);
    const rebuilt = snapshotReadModels(dataDir, await projections(newLeader.baseUrl, ops));
    for (const key of Object.keys(before)) expect({ [key]: rebuilt[key] }).toEqual({ [key]: before[key] });
  }, 600_000);
});

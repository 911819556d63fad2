import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordedEvent } from '../../src/domain/shared/events';
import { verifyChain } from '../../src/domain/shared/hash-chain';
import { JwtService } from '../../src/infrastructure/auth/jwt';
import { TEST_JWT_SECRET } from '../support/app';
import { ChildServer, freePort } from '../support/child-server';
import { projections, rebuildAll, snapshotReadModels, waitQuiet } from '../support/read-models';

/**
 * Crash: drive commands concurrently at the service in its own process, kill -9 it mid-load,
 * restart. Every acknowledged command's events are in the log, none twice, and every read model
 * equals a fresh rebuild from the log.
 */
/** Every stream in the file: revisions gapless from 0 and its hash chain intact (no torn group). */
function streamsIntact(file: string): { streams: number; broken: string[] } {
  const db = new Database(file, { readonly: true });
  const rows = db.prepare('SELECT position, event_id, stream, revision, type, data, metadata, recorded_at FROM events ORDER BY stream, revision').all() as {
    position: number; event_id: string; stream: string; revision: number; type: string; data: string; metadata: string; recorded_at: string;
  }[];
  db.close();
  const byStream = new Map<string, RecordedEvent[]>();
  for (const r of rows) {
    const list = byStream.get(r.stream) ?? [];
    list.push({ position: r.position, eventId: r.event_id, stream: r.stream, revision: r.revision, type: r.type, data: JSON.parse(r.data), metadata: JSON.parse(r.metadata), recordedAt: r.recorded_at });
    byStream.set(r.stream, list);
  }
  const broken = [...byStream].filter(([, events]) => !verifyChain(events).valid || events.some((e, i) => e.revision !== i)).map(([stream]) => stream);
  return { streams: byStream.size, broken };
}

describe.each([
  { name: 'kill -9 under load', concurrency: 48, killWhen: (acked: number, _inFlight: number, total: number) => acked >= Math.floor(total / 2) },
  // Enough requests in flight that the writer thread is always committing a group when the kill lands.
  { name: 'kill -9 while a group commit is in flight', concurrency: 96, killWhen: (acked: number, inFlight: number) => acked >= 300 && inFlight >= 80 },
])('$name', ({ concurrency, killWhen }) => {
  const TOTAL = Number(process.env.CRASH_COMMANDS ?? 3000);
  const CONCURRENCY = concurrency;
  let dataDir: string;
  let server: ChildServer;
  const jwt = new JwtService(TEST_JWT_SECRET);
  const guards = ['g1', 'g2', 'g3', 'g4'].map((sub) => jwt.sign({ sub, tenant: sub === 'g4' ? 'globex' : 'acme', roles: ['guard'] }));
  const ops = jwt.sign({ sub: 'ops1', tenant: 'acme', roles: ['ops', 'auditor'] });
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'crash-'));
    server = new ChildServer(dataDir, await freePort());
    await server.start();
  }, 180_000);
  afterAll(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    process.stdout.write(`crash figures: ${JSON.stringify(figures)}\n`);
  });

  it('loses no acknowledged command, applies none twice, and read models equal a rebuild', async () => {
    const acked = new Map<string, { kind: 'sync' | 'conflict'; position: string }>();
    const ackedSyncs: string[] = [];
    let sent = 0;
    let inFlight = 0;
    let failedAfterKill = 0;
    let killed = false;
    let next = 0;
    const killing = (async () => {
      while (!killWhen(acked.size, inFlight, TOTAL)) await new Promise((r) => setTimeout(r, 2));
      figures.in_flight_at_kill = inFlight;
      killed = true;
      await server.kill9();
    })();

    const send = async (i: number): Promise<void> => {
      const token = guards[i % guards.length];
      const conflict = i % 4 === 3 && ackedSyncs.length > 0;
      const syncId = `s-${i}`;
      const [path, body, key] = conflict
        ? ['/api/v2/sync/conflicts', { sync_id: ackedSyncs[(i * 7) % ackedSyncs.length], resolution_type: 'server_wins' }, `c-${i}`]
        : ['/api/v2/sync/events', { sync_id: syncId, entity_type: 'work_order', entity_id: `wo-${i % 40}`, device_id: `d-${i % 9}`, fields: ['status', i % 2 ? 'notes' : 'priority'], synced_at: new Date(Date.now() - (TOTAL - i) * 60_000).toISOString() }, syncId];
      sent += 1;
      inFlight += 1;
      try {
        const res = await fetch(`${server.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const answer = (await res.json()) as { position?: string; sync_id?: string };
        if (res.status === 201 && answer.position) {
          acked.set(key, { kind: conflict ? 'conflict' : 'sync', position: answer.position });
          if (!conflict && token !== guards[3]) ackedSyncs.push(syncId);
        }
      } catch {
        if (killed) failedAfterKill += 1;
      } finally {
        inFlight -= 1;
      }
    };
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < TOTAL && !killed) await send(next++);
      }),
    );
    await killing;
    figures.commands_sent = sent;
    figures.commands_acknowledged = acked.size;
    figures.requests_cut_by_kill = failedAfterKill;
    // The kill landed mid-load: commands were still being sent.
    expect(sent).toBeLessThan(TOTAL);

    // Nothing half-written: a group cut by the kill is absent as a whole.
    const intact = streamsIntact(join(dataDir, 'flywheel.db'));
    expect(intact.broken).toEqual([]);
    figures.streams_checked = intact.streams;

    await server.start();
    await waitQuiet(server.baseUrl, ops);

    // 0 lost: every acknowledged command has its event in the log.
    const db = new Database(join(dataDir, 'flywheel.db'), { readonly: true });
    const syncEvents = db.prepare("SELECT json_extract(data, '$.syncId') AS id, COUNT(*) AS n FROM events WHERE type = 'SyncRecorded' GROUP BY 1").all() as { id: string; n: number }[];
    const conflictEvents = db.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'ConflictResolved'").get() as { n: number };
    const maxPosition = (db.prepare('SELECT MAX(position) AS p FROM events').get() as { p: number }).p;
    db.close();
    const logged = new Map(syncEvents.map((r) => [r.id, r.n]));
    const ackedSyncIds = [...acked].filter(([, v]) => v.kind === 'sync').map(([k]) => k);
    const lost = ackedSyncIds.filter((id) => !logged.has(id));
    figures.acknowledged_found_after_crash = ackedSyncIds.length - lost.length + [...acked.values()].filter((v) => v.kind === 'conflict').length;
    expect(lost).toEqual([]);
    expect([...acked.values()].every((v) => Number(v.position) <= maxPosition)).toBe(true);
    // None twice: one SyncRecorded per sync id.
    expect(syncEvents.filter((r) => r.n !== 1)).toEqual([]);
    expect(conflictEvents.n).toBeGreaterThanOrEqual([...acked.values()].filter((v) => v.kind === 'conflict').length);

    // Read models after the crash equal a fresh rebuild from the log.
    const infos = await projections(server.baseUrl, ops);
    expect(infos.length).toBeGreaterThan(0);
    const afterCrash = snapshotReadModels(dataDir, infos);
    const started = Date.now();
    await rebuildAll(server.baseUrl, ops);
    figures.rebuild_all_seconds = (Date.now() - started) / 1000;
    figures.events_in_log = maxPosition;
    const rebuilt = snapshotReadModels(dataDir, await projections(server.baseUrl, ops));
    expect(Object.keys(rebuilt).sort()).toEqual(Object.keys(afterCrash).sort());
    for (const key of Object.keys(afterCrash)) expect({ [key]: rebuilt[key] }).toEqual({ [key]: afterCrash[key] });
  }, 600_000);
});

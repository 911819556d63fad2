import Database from 'better-sqlite3';
import { join } from 'node:path';
import { EVENT_STORE, EventStore } from '../../src/ports/event-store.port';
import { newEvent } from '../contracts/event-store.contract';
import { TEST_JWT_SECRET, TestApp, startTestApp } from '../support/app';
import { runCli } from '../support/cli';

/** Editing, deleting or reordering rows of the SQLite file by hand is caught by the hash chain. */
describe('tamper evidence on the embedded event store', () => {
  let app: TestApp;
  let auditor: string;
  const file = () => join(app.dataDir, 'flywheel.db');

  beforeAll(async () => {
    app = await startTestApp();
    auditor = app.token({ sub: 'aud', tenant: 't1', roles: ['auditor'] });
    const store = app.app.get<EventStore>(EVENT_STORE);
    for (const s of ['edit', 'delete', 'reorder', 'intact']) {
      await store.append(`ledger-${s}`, [0, 1, 2, 3, 4].map((n) => newEvent('EntryPosted', { n, amount: n * 10 })), 'no_stream');
    }
    // Tamper behind the service's back, as someone with file access would.
    const db = new Database(file());
    db.prepare(`UPDATE events SET data = json_set(data, '$.amount', 999) WHERE stream = 'ledger-edit' AND revision = 2`).run();
    db.prepare(`DELETE FROM events WHERE stream = 'ledger-delete' AND revision = 1`).run();
    db.prepare(`UPDATE events SET revision = revision + 100 WHERE stream = 'ledger-delete' AND revision > 1`).run();
    db.prepare(`UPDATE events SET revision = revision - 101 WHERE stream = 'ledger-delete' AND revision > 100`).run();
    // Reorder: swap the contents of revisions 3 and 4 (each row keeps a valid-looking hash).
    const rows = db.prepare(`SELECT revision, type, data, metadata, hash FROM events WHERE stream = 'ledger-reorder' AND revision IN (3, 4) ORDER BY revision`).all() as { revision: number; data: string; metadata: string; hash: string }[];
    const swap = db.prepare(`UPDATE events SET data = ?, metadata = ?, hash = ? WHERE stream = 'ledger-reorder' AND revision = ?`);
    swap.run(rows[1].data, rows[1].metadata, rows[1].hash, 3);
    swap.run(rows[0].data, rows[0].metadata, rows[0].hash, 4);
    db.close();
  });
  afterAll(() => app.close());

  const verify = async (stream: string) => (await fetch(`${app.baseUrl}/api/v2/audit/streams/${stream}/verify`, { headers: { authorization: `Bearer ${auditor}` } })).json();

  it.each([
    ['edit', 2],
    ['delete', 1],
    ['reorder', 3],
  ])('detects a %s and names revision %i as the first broken one (API)', async (kind, revision) => {
    expect(await verify(`ledger-${kind}`)).toMatchObject({ valid: false, first_broken_revision: revision });
  });

  it('still verifies the untouched stream', async () => {
    expect(await verify('ledger-intact')).toMatchObject({ valid: true, events_checked: 5, first_broken_revision: null });
  });

  it('detects the same through the CLI, with a non-zero exit code', async () => {
    const run = async (stream: string) => {
      const r = await runCli(['streams:verify', stream], { DATA_DIR: app.dataDir, JWT_SECRET: TEST_JWT_SECRET });
      return { code: r.code, out: r.stdout };
    };
    const broken = await run('ledger-edit');
    expect(broken.code).toBe(3);
    expect(JSON.parse(broken.out.trim())).toMatchObject({ valid: false, first_broken_revision: 2 });
    const ok = await run('ledger-intact');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out.trim())).toMatchObject({ valid: true, events_checked: 5 });
  });
});

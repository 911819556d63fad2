import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BLOB_STORE, BlobStore } from '../../src/ports/blob-store.port';
import { EVENT_STORE, EventStore } from '../../src/ports/event-store.port';
import { newEvent } from '../contracts/event-store.contract';
import { TEST_JWT_SECRET, TestApp, startTestApp } from '../support/app';
import { cliError, runCli } from '../support/cli';
import { checkedFetch } from '../support/wire';

jest.setTimeout(240_000);

/** Back up while the server takes writes, restore onto a stopped service, and serve from the copy. */
describe('backup and restore of the embedded store', () => {
  const work = mkdtempSync(join(tmpdir(), 'backup-'));
  const backupFile = join(work, 'flywheel.backup');
  let app: TestApp;
  let photoHash: string;
  let appendedBeforeBackup = 0;

  beforeAll(async () => {
    app = await startTestApp({ keepData: true });
    const events = app.app.get<EventStore>(EVENT_STORE);
    photoHash = (await app.app.get<BlobStore>(BLOB_STORE).put(Buffer.from('a photo, as bytes'), 'image/png')).hash;
    for (let s = 0; s < 5; s += 1) await events.append(`ledger-${s}`, [0, 1, 2].map((n) => newEvent('EntryPosted', { n })), 'no_stream');
    appendedBeforeBackup = 15;
  });
  afterAll(async () => {
    await app.close().catch(() => undefined);
    rmSync(app.dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('takes a consistent copy while the server keeps appending', async () => {
    const events = app.app.get<EventStore>(EVENT_STORE);
    let writing = true;
    let extra = 0;
    const writer = (async () => {
      while (writing) {
        await events.append(`busy-${extra}`, [newEvent('EntryPosted', { extra }), newEvent('EntryPosted', { extra, second: true })], 'no_stream');
        extra += 1;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const r = await runCli(['backup', backupFile], { DATA_DIR: app.dataDir, JWT_SECRET: TEST_JWT_SECRET });
    writing = false;
    await writer;
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim()) as { events: number; blobs: number };
    expect(summary.events).toBeGreaterThanOrEqual(appendedBeforeBackup);
    expect(summary.blobs).toBeGreaterThanOrEqual(1);
    // Consistent: every busy stream in the copy holds both events of its one append, never half.
    const copy = new Database(backupFile, { readonly: true });
    const counts = copy.prepare(`SELECT stream, COUNT(*) AS n FROM events WHERE stream LIKE 'busy-%' GROUP BY stream`).all() as { n: number }[];
    copy.close();
    expect(counts.every((c) => c.n === 2)).toBe(true);
  });

  it('refuses to restore onto a running service', async () => {
    const r = await runCli(['restore', backupFile, '--force'], { DATA_DIR: app.dataDir, JWT_SECRET: TEST_JWT_SECRET });
    expect(r.code).toBe(1);
    expect(cliError(r).error.message).toMatch(/running|stop/);
  });

  it('restores onto a stopped service, verifying every chain, and the service answers from it', async () => {
    await app.close();
    const target = mkdtempSync(join(tmpdir(), 'restored-'));
    try {
      const r = await runCli(['restore', backupFile], { DATA_DIR: target, JWT_SECRET: TEST_JWT_SECRET });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout.trim())).toMatchObject({ restored: backupFile, chains_verified: expect.any(Number) });
      const restored = await startTestApp({ dataDir: target });
      try {
        const auditor = restored.token({ sub: 'aud', tenant: 't1', roles: ['auditor'] });
        const res = await checkedFetch(restored.baseUrl, '/api/v2/audit/streams/ledger-3/verify', { headers: { authorization: `Bearer ${auditor}` } });
        expect(await res.json()).toMatchObject({ valid: true, events_checked: 3 });
        expect((await restored.app.get<BlobStore>(BLOB_STORE).get(photoHash))?.toString()).toBe('a photo, as bytes');
      } finally {
        await restored.close();
      }
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  });

  it('a backup with a broken chain is refused (exit 3) and the target is left untouched', async () => {
    const tampered = join(work, 'tampered.backup');
    const db = new Database(backupFile, { readonly: true });
    await db.backup(tampered);
    db.close();
    const edit = new Database(tampered);
    edit.prepare(`UPDATE events SET data = json_set(data, '$.n', 42) WHERE stream = 'ledger-2' AND revision = 1`).run();
    edit.close();
    const target = mkdtempSync(join(tmpdir(), 'restored-bad-'));
    try {
      const r = await runCli(['restore', tampered], { DATA_DIR: target, JWT_SECRET: TEST_JWT_SECRET });
      expect(r.code).toBe(3);
      expect(cliError(r).error.message).toContain('ledger-2');
      expect(readdirSync(target)).toEqual([]);
      expect(existsSync(join(target, 'flywheel.db'))).toBe(false);
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  });
});

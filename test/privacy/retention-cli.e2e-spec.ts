import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DAY_MS, ManualClock } from '../../src/domain/shared/clock';
import { PERSONAL_DATA, PersonalDataPort } from '../../src/ports/personal-data.port';
import { TEST_JWT_SECRET, TestApp, startTestApp } from '../support/app';
import { cliError, runCli } from '../support/cli';
import { renderPlatePhoto } from '../support/photos';
import { ScriptedOcrEngine, call, photoForm } from '../training/training-helpers';

jest.setTimeout(300_000);

const lines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/**
 * The ops CLI applies retention as the daily schedule does (`retention:run`) and shows a tenant's
 * settings (`retention:show`), beside a running service on the same store: real HTTP, a real
 * SQLite file (or PostgreSQL with TEST_DATABASE_URL), real blob files, the CLI as its own process.
 */
describe('privacy: retention from the ops CLI', () => {
  // Photos are captured 100 and 10 days before the CLI's (real) clock.
  const clock = new ManualClock(new Date(Date.now() - 100 * DAY_MS).toISOString());
  const ocr = new ScriptedOcrEngine();
  let app: TestApp;
  const entries: { old: string; recent: string; other: string } = { old: '', recent: '', other: '' };
  const env = () => ({ DATA_DIR: app.dataDir, JWT_SECRET: TEST_JWT_SECRET, ...app.storeEnv });
  const photoKey = (tenant: string, entryId: string) => app.app.get<PersonalDataPort>(PERSONAL_DATA).entryPhoto(tenant, entryId);

  beforeAll(async () => {
    app = await startTestApp({ clock, ocrEngine: ocr });
    const capture = async (tenant: string, plate: string, seed: number) => {
      const photo = await renderPlatePhoto(plate, { seed });
      ocr.script(photo, plate, 0.95);
      const res = await call<{ entry_id: string }>(app, 'POST', '/api/v2/vehicle-entries', { token: app.token({ sub: 'g1', tenant, roles: ['guard'] }), form: photoForm({ gate_id: 'north' }, photo) });
      expect(res.status).toBe(201);
      return res.body.entry_id;
    };
    entries.old = await capture('acme', 'KXM4721', 1);
    entries.other = await capture('globex', 'KXM4721', 2);
    clock.set(new Date(Date.now() - 10 * DAY_MS));
    entries.recent = await capture('acme', 'KXM4721', 3);
    const ops = app.token({ sub: 'o1', tenant: 'acme', roles: ['ops'] });
    expect((await call(app, 'PUT', '/api/v2/privacy/retention', { token: ops, json: { photos_days: 30 } })).status).toBe(200);
  });
  afterAll(() => app?.close());

  it('retention:show answers what the endpoint answers', async () => {
    const res = await runCli(['retention:show', '--tenant', 'acme'], env());
    expect(res.code).toBe(0);
    expect(lines(res.stdout)).toEqual([{ tenant: 'acme', photos_days: 30, plates_days: null, defaults: { photos_days: null, plates_days: null }, in_force: { photos_days: 30, plates_days: null }, last_run: null }]);
  });

  it('refuses a missing or malformed tenant with exit 2 and changes nothing', async () => {
    const missing = await runCli(['retention:show'], env());
    expect({ code: missing.code, error: cliError(missing).error.code }).toEqual({ code: 2, error: 'usage' });
    const bad = await runCli(['retention:run', '--tenant', 'Acme/../x'], env());
    expect({ code: bad.code, error: cliError(bad).error.code }).toEqual({ code: 2, error: 'usage' });
    expect(await photoKey('acme', entries.old)).not.toBeNull();
  });

  it('retention:run drops the photos older than the tenant keeps, records the run, and leaves the rest', async () => {
    const hash = (await photoKey('acme', entries.old))?.blobHash as string;
    const res = await runCli(['retention:run'], env());
    expect(res.code).toBe(0);
    // Only acme keeps less than forever: one line, one expired entry.
    const [run] = lines(res.stdout);
    expect(lines(res.stdout)).toHaveLength(1);
    expect(run).toMatchObject({ tenant: 'acme', photos_days: 30, entries_expired: 1, photos_deleted: 1, photos_failed: 0, subjects_erased: 0, ran_by: expect.stringMatching(/^cli:/) });
    expect(await photoKey('acme', entries.old)).toBeNull();
    if (!app.storeEnv.DATABASE_URL) expect(existsSync(join(app.dataDir, 'blobs', hash.slice(0, 2), hash))).toBe(false);
    expect(await photoKey('acme', entries.recent)).not.toBeNull();
    expect(await photoKey('globex', entries.other)).not.toBeNull();

    const auditor = app.token({ sub: 'a1', tenant: 'acme', roles: ['auditor'] });
    const stream = await call<{ items: { type: string; data: Record<string, unknown> }[] }>(app, 'GET', '/api/v2/audit/streams/privacy-acme/events', { token: auditor });
    expect(stream.body.items.filter((e) => e.type === 'RetentionApplied').map((e) => e.data.runId)).toEqual([run.run_id]);

    const shown = await runCli(['retention:show', '--tenant', 'acme'], env());
    expect(lines(shown.stdout)[0].last_run).toMatchObject({ run_id: run.run_id, entries_expired: 1 });
  });
});

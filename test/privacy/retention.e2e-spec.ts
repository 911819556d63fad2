import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DAY_MS, ManualClock } from '../../src/domain/shared/clock';
import { RetentionService } from '../../src/commands/privacy/retention.service';
import { BLOB_STORE, BlobStore } from '../../src/ports/blob-store.port';
import { PERSONAL_DATA, PersonalDataPort } from '../../src/ports/personal-data.port';
import { TestApp, startTestApp } from '../support/app';
import { renderPlatePhoto } from '../support/photos';
import { ScriptedOcrEngine, call, eventsOfType, photoForm, waitForExamples } from '../training/training-helpers';
import { checkedFetch } from '../support/wire';

jest.setTimeout(240_000);

interface EntryAnswer {
  entry_id: string;
  plate: string | null;
  raw_text: string | null;
  position: string;
  erased?: boolean;
}

interface RunAnswer {
  run_id: string;
  photos_days: number | null;
  plates_days: number | null;
  photos_cutoff: string | null;
  plates_cutoff: string | null;
  entries_expired: number;
  photos_deleted: number;
  photos_kept_in_use: number;
  photos_failed: number;
  subjects_erased: number;
  position: string;
}

const START = '2026-01-05T09:00:00.000Z';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
const WEEKS = 20;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Retention with the manual clock, real HTTP, a real SQLite file and real blob files: a plate seen
 * every week keeps its recent photos and loses the old ones; a plate not seen for longer than the
 * plate retention reads as erased; the other tenant's data, with the same plate and one identical
 * photo, is untouched; every chain still verifies.
 */
describe('privacy: per-tenant retention of photos and plates', () => {
  const clock = new ManualClock(START);
  const ocr = new ScriptedOcrEngine();
  let app: TestApp;
  const acme = { guard: '', labeler: '', ops: '', auditor: '', officer: '' };
  const globex = { guard: '', labeler: '', ops: '', auditor: '' };
  const blobFile = (hash: string) => join(app.dataDir, 'blobs', hash.slice(0, 2), hash);
  /** Each entry's sealed photo blob, noted right after capture (once its key is gone, nothing names it). */
  const sealedBlob = new Map<string, string>();
  /**
   * Whether the entry's photo is kept: its key (of its own entry) in the key store and its sealed
   * bytes in the blob store, both or neither; on the embedded store also the file under DATA_DIR/blobs.
   */
  const stored = async (tenant: string, entryId: string) => {
    const hash = sealedBlob.get(entryId) as string;
    const key = (await app.app.get<PersonalDataPort>(PERSONAL_DATA).entryPhoto(tenant, entryId)) !== null;
    const has = await app.app.get<BlobStore>(BLOB_STORE).has(hash);
    if (!app.storeEnv.DATABASE_URL) expect({ hash, file: existsSync(blobFile(hash)) }).toEqual({ hash, file: has });
    expect({ entryId, key }).toEqual({ entryId, key: has });
    return has;
  };

  // acme: KXM4721 every week (a new photo each time), BRT9058 once in week 0, NEW1234 once in the last week.
  const weekly: { entry: EntryAnswer; hash: string; day: number; photo: Buffer }[] = [];
  let oldPlate: EntryAnswer;
  let newPlate: EntryAnswer;
  // globex: the same plate text in weeks 0 and 1; its week-0 photo has the same bytes as acme's.
  const globexEntries: { entry: EntryAnswer; hash: string }[] = [];

  beforeAll(async () => {
    app = await startTestApp({ clock, ocrEngine: ocr, env: { RETENTION_DAYS_PLATES: '365' } });
    acme.guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    acme.labeler = app.token({ sub: 'l1', tenant: 'acme', roles: ['labeler'] });
    acme.ops = app.token({ sub: 'o1', tenant: 'acme', roles: ['ops'] });
    acme.auditor = app.token({ sub: 'a1', tenant: 'acme', roles: ['auditor'] });
    acme.officer = app.token({ sub: 'p1', tenant: 'acme', roles: ['privacy_officer'] });
    globex.guard = app.token({ sub: 'g1', tenant: 'globex', roles: ['guard'] });
    globex.labeler = app.token({ sub: 'l1', tenant: 'globex', roles: ['labeler'] });
    globex.ops = app.token({ sub: 'o1', tenant: 'globex', roles: ['ops'] });
    globex.auditor = app.token({ sub: 'a1', tenant: 'globex', roles: ['auditor'] });

    const capture = async (token: string, photo: Buffer, plate: string) => {
      // Read unsure, so each entry is also a training example with an image endpoint.
      ocr.script(photo, plate, 0.4);
      const res = await call<EntryAnswer>(app, 'POST', '/api/v2/vehicle-entries', { token, form: photoForm({ gate_id: 'north' }, photo) });
      expect(res.status).toBe(201);
      return res.body;
    };
    for (let week = 0; week < WEEKS; week += 1) {
      clock.set(new Date(Date.parse(START) + week * 7 * DAY_MS));
      const photo = await renderPlatePhoto('KXM4721', { noise: 6, seed: week + 1 });
      weekly.push({ entry: await capture(acme.guard, photo, 'KXM4721'), hash: sha256(photo), day: week * 7, photo });
      if (week === 0) {
        const other = await renderPlatePhoto('BRT9058', { noise: 6, seed: 101 });
        oldPlate = await capture(acme.guard, other, 'BRT9058');
        globexEntries.push({ entry: await capture(globex.guard, photo, 'KXM4721'), hash: sha256(photo) });
      }
      if (week === 1) {
        const own = await renderPlatePhoto('KXM4721', { noise: 6, seed: 201 });
        globexEntries.push({ entry: await capture(globex.guard, own, 'KXM4721'), hash: sha256(own) });
      }
      if (week === WEEKS - 1) newPlate = await capture(acme.guard, await renderPlatePhoto('NEW1234', { noise: 6, seed: 301 }), 'NEW1234');
    }
    for (const [tenant, entryId] of [...weekly.map((w) => ['acme', w.entry.entry_id]), ['acme', oldPlate.entry_id], ['acme', newPlate.entry_id], ...globexEntries.map((g) => ['globex', g.entry.entry_id])]) {
      sealedBlob.set(entryId, (await app.app.get<PersonalDataPort>(PERSONAL_DATA).entryPhoto(tenant, entryId))?.blobHash as string);
    }
    await waitForExamples(app, acme.labeler, WEEKS + 2);
    await waitForExamples(app, globex.labeler, 2);
    // The run happens a day after the last capture.
    clock.set(new Date(Date.parse(START) + ((WEEKS - 1) * 7 + 1) * DAY_MS));
  });
  afterAll(() => app?.close());

  const settings = (token: string) => call<Record<string, unknown>>(app, 'GET', '/api/v2/privacy/retention', { token });
  const put = (token: string, json: unknown) => call<Record<string, unknown>>(app, 'PUT', '/api/v2/privacy/retention', { token, json });
  const run = (token: string) => call<RunAnswer>(app, 'POST', '/api/v2/privacy/retention/run', { token, json: {} });
  const streamEvents = async (token: string, stream: string) => {
    const res = await call<{ items: { type: string; data: Record<string, unknown> }[] }>(app, 'GET', `/api/v2/audit/streams/${stream}/events`, { token });
    return res.status === 404 ? [] : res.body.items;
  };
  const entry = (token: string, id: string, position?: string) => call<EntryAnswer>(app, 'GET', `/api/v2/vehicle-entries/${id}${position ? `?min_position=${position}` : ''}`, { token });
  const image = async (token: string, entryId: string) => {
    const res = await checkedFetch(app.baseUrl, `/api/v2/ml-training/examples/ve_${entryId}/image`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    return { status: res.status };
  };

  it('given no override, then the settings show the environment defaults in force', async () => {
    const res = await settings(acme.ops);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ photos_days: null, plates_days: null, defaults: { photos_days: null, plates_days: 365 }, in_force: { photos_days: null, plates_days: 365 } });
    expect((await settings(acme.guard)).status).toBe(403);
  });

  it('given bad settings, then 400 and nothing is appended', async () => {
    for (const body of [{ photos_days: 0 }, { photos_days: -3 }, { photos_days: 1.5 }, { photos_days: '60' }, { plates_days: 100000 }, { photo_days: 60 }]) {
      const res = await put(acme.ops, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
    expect(await streamEvents(acme.auditor, 'privacy-acme')).toEqual([]);
  });

  it('retention with the manual clock: a plate seen every week keeps its recent photos and loses the old ones; a plate unseen for longer reads as erased', async () => {
    const configured = await put(acme.ops, { photos_days: 60, plates_days: 90 });
    expect(configured.status).toBe(200);
    expect(configured.body).toMatchObject({ photos_days: 60, plates_days: 90, in_force: { photos_days: 60, plates_days: 90 } });
    // The same settings again append nothing.
    expect((await put(acme.ops, { photos_days: 60, plates_days: 90 })).status).toBe(200);
    expect((await streamEvents(acme.auditor, 'privacy-acme')).map((e) => e.type)).toEqual(['RetentionConfigured']);
    // Before the run every photo is on disk, sealed: the plain bytes are in no file.
    for (const w of weekly) expect(await stored('acme', w.entry.entry_id)).toBe(true);
    for (const w of weekly) expect(filesUnder(app.dataDir).filter((f) => readFileSync(f).includes(w.photo))).toEqual([]);

    const now = clock.now().getTime();
    const photoCutoff = now - 60 * DAY_MS;
    const old = weekly.filter((w) => Date.parse(START) + w.day * DAY_MS < photoCutoff);
    const recent = weekly.filter((w) => !old.includes(w));
    expect([old.length, recent.length]).toEqual([11, 9]);

    const ran = await run(acme.ops);
    expect(ran.status).toBe(201);
    expect(ran.body).toMatchObject({
      photos_days: 60,
      plates_days: 90,
      photos_cutoff: new Date(photoCutoff).toISOString(),
      plates_cutoff: new Date(now - 90 * DAY_MS).toISOString(),
      // 11 weekly entries and BRT9058's, each photo sealed under its own entry's key (acme's week-0
      // photo has the same bytes as a globex entry's, but each tenant's copy is its own sealed blob).
      entries_expired: 12,
      photos_deleted: 12,
      photos_kept_in_use: 0,
      photos_failed: 0,
      subjects_erased: 1,
    });

    // Old photos' keys and sealed files are gone from DATA_DIR, the recent ones are there and served.
    for (const w of old) expect(await stored('acme', w.entry.entry_id)).toBe(false);
    expect(await stored('acme', oldPlate.entry_id)).toBe(false);
    // acme's week-0 photo has the same bytes as a globex entry's: globex's own sealed copy is kept.
    expect(await stored('globex', globexEntries[0].entry.entry_id)).toBe(true);
    for (const w of recent) {
      expect(await stored('acme', w.entry.entry_id)).toBe(true);
      expect((await image(acme.labeler, w.entry.entry_id)).status).toBe(200);
    }
    for (const w of old) expect((await image(acme.labeler, w.entry.entry_id)).status).toBe(404);

    // Photo retention removes photos, not the plate: KXM4721 was seen yesterday and still reads.
    expect((await entry(acme.guard, old[1].entry.entry_id, ran.body.position)).body).toMatchObject({ plate: 'KXM4721' });
    expect((await entry(acme.guard, weekly[WEEKS - 1].entry.entry_id)).body).toMatchObject({ plate: 'KXM4721' });
    expect((await entry(acme.guard, newPlate.entry_id)).body).toMatchObject({ plate: 'NEW1234' });
    // BRT9058, unseen for 134 days (> 90), reads as erasure leaves it.
    expect((await entry(acme.guard, oldPlate.entry_id)).body).toMatchObject({ entry_id: oldPlate.entry_id, plate: null, raw_text: null, erased: true });
    expect((await call(app, 'POST', '/api/v2/privacy/erasures', { token: acme.officer, json: { plate: 'BRT9058', reason: 'again' } })).status).toBe(404);

    // The run is one event on the tenant's privacy stream, with counts and cut-offs and no personal data.
    const events = await streamEvents(acme.auditor, 'privacy-acme');
    expect(events.map((e) => e.type)).toEqual(['RetentionConfigured', 'RetentionApplied']);
    expect(events[1].data).toMatchObject({ tenantId: 'acme', entriesExpired: 12, photosDeleted: 12, subjectsErased: 1, ranBy: 'o1' });
    expect(JSON.stringify(events)).not.toMatch(/KXM|BRT|NEW1234/);
    for (const w of old) expect(JSON.stringify(events)).not.toContain(w.hash);

    // Chains verify: the tenant's privacy stream and the entries whose photos went.
    for (const stream of ['privacy-acme', `entry-${old[1].entry.entry_id}`, `entry-${oldPlate.entry_id}`]) {
      const verify = await call(app, 'GET', `/api/v2/audit/streams/${stream}/verify`, { token: acme.auditor });
      expect({ stream, status: verify.status, body: verify.body }).toMatchObject({ stream, status: 200, body: { valid: true } });
    }
  });

  it('given a second run at once, then nothing more goes and the run is still recorded', async () => {
    const again = await run(acme.ops);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ entries_expired: 0, photos_deleted: 0, subjects_erased: 0 });
    expect((await streamEvents(acme.auditor, 'privacy-acme')).map((e) => e.type)).toEqual(['RetentionConfigured', 'RetentionApplied', 'RetentionApplied']);
    expect((await settings(acme.ops)).body).toMatchObject({ last_run: { run_id: again.body.run_id, entries_expired: 0, ran_by: 'o1', ran_at: clock.now().toISOString() } });
  });

  it("then the other tenant's photos, plates and settings are untouched, and its own run keeps data younger than its defaults", async () => {
    for (const g of globexEntries) {
      expect(await stored('globex', g.entry.entry_id)).toBe(true);
      expect((await image(globex.labeler, g.entry.entry_id)).status).toBe(200);
      expect((await entry(globex.guard, g.entry.entry_id)).body).toMatchObject({ plate: 'KXM4721' });
    }
    expect((await settings(globex.ops)).body).toMatchObject({ photos_days: null, plates_days: null, in_force: { photos_days: null, plates_days: 365 } });
    expect(await streamEvents(globex.auditor, 'privacy-globex')).toEqual([]);
    // acme's stream is not globex's to read.
    expect((await call(app, 'GET', '/api/v2/audit/streams/privacy-acme/events', { token: globex.auditor })).status).toBe(404);

    const ran = await run(globex.ops);
    expect(ran.status).toBe(201);
    expect(ran.body).toMatchObject({ photos_days: null, plates_days: 365, photos_cutoff: null, entries_expired: 0, photos_deleted: 0, subjects_erased: 0 });
    for (const g of globexEntries) expect(await stored('globex', g.entry.entry_id)).toBe(true);
    expect((await streamEvents(globex.auditor, 'privacy-globex')).map((e) => e.type)).toEqual(['RetentionApplied']);
  });

  it('given the daily schedule a year later, then each tenant is run with its own settings and recorded on its own stream', async () => {
    clock.set(new Date(Date.parse(START) + 500 * DAY_MS));
    const results = await app.app.get(RetentionService).runAll('schedule');
    expect(results.map((r) => r.tenant).sort()).toEqual(['acme', 'globex']);
    // globex's default of 365 days for plates now erases its plate (last seen 493 days ago) and, as erasure does, its photos.
    expect(results.find((r) => r.tenant === 'globex')).toMatchObject({ photos_days: null, subjects_erased: 1, photos_deleted: 2 });
    for (const g of globexEntries) expect((await entry(globex.guard, g.entry.entry_id)).body).toMatchObject({ plate: null, erased: true });
    // acme: everything older than 90 days is gone now.
    expect((await entry(acme.guard, newPlate.entry_id)).body).toMatchObject({ plate: null, erased: true });
    for (const w of weekly) expect(await stored('acme', w.entry.entry_id)).toBe(false);
    for (const g of globexEntries) expect(await stored('globex', g.entry.entry_id)).toBe(false);
    const applied = await eventsOfType(app, acme.auditor, 'RetentionApplied');
    expect(applied.filter((e) => e.stream === 'privacy-acme').length).toBe(3);
    expect(applied.filter((e) => e.metadata.tenantId !== 'acme')).toEqual([]);
  });
});

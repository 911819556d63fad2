import { readdirSync, readFileSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { BLOB_STORE, BlobStore } from '../../src/ports/blob-store.port';
import { EVENT_STORE, EventStore } from '../../src/ports/event-store.port';
import { PERSONAL_DATA, PersonalDataPort } from '../../src/ports/personal-data.port';
import { SagaRunner } from '../../src/sagas/saga-runner';
import { TestApp, startTestApp } from '../support/app';
import { renderPlatePhoto } from '../support/photos';
import { call, photoForm } from '../readings/readings-helpers';

jest.setTimeout(180_000);

interface EntryAnswer {
  entry_id: string;
  plate: string | null;
  raw_text: string | null;
  position: string;
  erased?: boolean;
}

/** Every file under the data directory (SQLite file, WAL, journal, blobs, exports, keys). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const holding = (dir: string, needle: Buffer) => filesUnder(dir).filter((file) => readFileSync(file).includes(needle));

describe('privacy: erasure of a plate by crypto-shredding', () => {
  let app: TestApp;
  let guard: string;
  let officer: string;
  let auditor: string;
  let globexOfficer: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { OCR_WORKERS: '1' } });
    guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    officer = app.token({ sub: 'p1', tenant: 'acme', roles: ['privacy_officer'] });
    auditor = app.token({ sub: 'a1', tenant: 'acme', roles: ['auditor'] });
    globexOfficer = app.token({ sub: 'p2', tenant: 'globex', roles: ['privacy_officer'] });
  });
  afterAll(() => app.close());

  const capture = async (photo: Buffer) => {
    const res = await call<EntryAnswer>(app, 'POST', '/api/v2/vehicle-entries', { token: guard, form: photoForm({ gate_id: 'north' }, photo) });
    expect(res.status).toBe(201);
    return res.body;
  };
  const entry = (id: string, position?: string) => call<EntryAnswer>(app, 'GET', `/api/v2/vehicle-entries/${id}${position ? `?min_position=${position}` : ''}`, { token: guard });
  const personal = () => app.app.get<PersonalDataPort>(PERSONAL_DATA);
  /** The entry's photo as the service opens it (its own key), or null. */
  const photoOf = async (entryId: string) => {
    const sealed = await personal().entryPhoto('acme', entryId);
    const bytes = sealed ? await app.app.get<BlobStore>(BLOB_STORE).get(sealed.blobHash) : null;
    return sealed && bytes ? sealed.open(bytes) : null;
  };
  const erase = (token: string, body: Record<string, string>) => call<{ subject_id: string; position: string }>(app, 'POST', '/api/v2/privacy/erasures', { token, json: body });

  it('given two plates, when one is erased, then none of its text or photo is left under DATA_DIR, the other is intact and chains verify', async () => {
    const photoA = await renderPlatePhoto('KXM4721');
    const photoB = await renderPlatePhoto('BRT9058');
    const a1 = await capture(photoA);
    const a2 = await capture(photoA);
    const b = await capture(photoB);
    expect([a1.plate, a2.plate, b.plate]).toEqual(['KXM4721', 'KXM4721', 'BRT9058']);
    const corrected = await call<{ position: string }>(app, 'POST', '/api/v2/ml-training/corrections', {
      token: guard,
      json: { source_type: 'vehicle_entry', source_id: a2.entry_id, corrected_text: 'KXM 4721', correction_type: 'OCR_ERROR' },
    });
    expect(corrected.status).toBe(201);
    await app.app.get(SagaRunner).waitFor(Number(corrected.body.position));
    expect((await entry(a1.entry_id, corrected.body.position)).body.plate).toBe('KXM4721');
    expect((await entry(a2.entry_id)).body).toMatchObject({ corrections: [expect.objectContaining({ corrected_text: 'KXM 4721' })] });

    // Stored sealed from the start: the plate's text and photo are in no file even before the erasure;
    // each photo is sealed under a key of its own entry, so the same bytes captured twice are two blobs.
    expect(holding(app.dataDir, Buffer.from('KXM4721'))).toEqual([]);
    expect(holding(app.dataDir, Buffer.from('KXM 4721'))).toEqual([]);
    expect(holding(app.dataDir, photoA)).toEqual([]);
    expect(holding(app.dataDir, photoB)).toEqual([]);
    const sealedA = await Promise.all([a1, a2].map(async (a) => (await personal().entryPhoto('acme', a.entry_id))?.blobHash));
    expect(new Set(sealedA).size).toBe(2);
    for (const [a, photo] of [[a1, photoA], [a2, photoA], [b, photoB]] as const) expect(await photoOf(a.entry_id)).toEqual(photo);

    // Another tenant's officer finds nothing of this tenant's plate.
    expect((await erase(globexOfficer, { plate: 'KXM4721', reason: 'request' })).status).toBe(404);
    expect((await erase(guard, { plate: 'KXM4721', reason: 'request' })).status).toBe(403);
    expect((await erase(officer, { reason: 'request' })).status).toBe(400);

    const erased = await erase(officer, { plate: 'kxm 4721', reason: 'request of the data subject' });
    expect(erased.status).toBe(201);
    expect(erased.body.subject_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await erase(globexOfficer, { subject_id: erased.body.subject_id, reason: 'request' })).status).toBe(404);

    for (const id of [a1.entry_id, a2.entry_id]) {
      const shown = await entry(id, erased.body.position);
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({ entry_id: id, plate: null, raw_text: null, erased: true });
    }
    expect((await entry(a2.entry_id)).body).toMatchObject({ corrections: [expect.objectContaining({ corrected_text: null, erased: true })] });
    expect((await entry(b.entry_id)).body).toMatchObject({ plate: 'BRT9058' });
    expect(holding(app.dataDir, photoA)).toEqual([]);
    expect(holding(app.dataDir, Buffer.from('KXM4721'))).toEqual([]);
    // The photo keys went with the subject, and the sealed bytes too; the other plate's photo still opens.
    for (const a of [a1, a2]) expect(await personal().entryPhoto('acme', a.entry_id)).toBeNull();
    for (const hash of sealedA) expect(await app.app.get<BlobStore>(BLOB_STORE).has(hash as string)).toBe(false);
    expect(await photoOf(b.entry_id)).toEqual(photoB);

    for (const id of [a1.entry_id, b.entry_id]) {
      const verify = await call<{ valid: boolean }>(app, 'GET', `/api/v2/audit/streams/entry-${id}/verify`, { token: auditor });
      expect(verify.body).toMatchObject({ valid: true });
    }
    // A second erasure of the same subject finds no key left.
    expect((await erase(officer, { subject_id: erased.body.subject_id, reason: 'again' })).status).toBe(404);
  });

  it('given an entry recorded in plaintext before sealing existed, when its plate is erased, then 404 and it still shows its plate (as the README states)', async () => {
    const events = app.app.get<EventStore>(EVENT_STORE);
    const b = await capture(await renderPlatePhoto('BRT9058'));
    const [recorded] = await events.readStream(`entry-${b.entry_id}`);
    const entryId = randomUUID();
    const legacy = { ...recorded.data, entryId, plate: 'OLD4455', rawText: 'OLD4455' };
    const { hash: _hash, ...metadata } = recorded.metadata;
    const appended = await events.append(`entry-${entryId}`, [{ eventId: randomUUID(), type: recorded.type, data: legacy, metadata }], 'no_stream');
    expect((await entry(entryId, String(appended.position))).body).toMatchObject({ plate: 'OLD4455' });
    expect((await erase(officer, { plate: 'OLD4455', reason: 'request' })).status).toBe(404);
    expect((await entry(entryId)).body).toMatchObject({ plate: 'OLD4455' });
  });
});

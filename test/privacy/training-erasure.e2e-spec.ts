import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isSealed } from '../../src/domain/privacy/sealed';
import { EVENT_STORE, EventStore } from '../../src/ports/event-store.port';
import { readTar } from '../../src/projections/datasets/tar-writer';
import { TestApp, startTestApp } from '../support/app';
import { renderPlatePhoto } from '../support/photos';
import { projections, rebuildAll, snapshotReadModels, waitQuiet } from '../support/read-models';
import { ScriptedOcrEngine, backlog, call, eventsOfType, photoForm, runActiveLearning, waitForExamples } from '../training/training-helpers';

jest.setTimeout(240_000);

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
const holding = (dir: string, needle: Buffer | string) => filesUnder(dir).filter((file) => readFileSync(file).includes(typeof needle === 'string' ? Buffer.from(needle) : needle));

interface ExampleAnswer {
  example_id: string;
  source_id: string;
  source_system: string;
  label: string | null;
  redacted_text?: string | null;
  phash?: string | null;
  erased?: boolean;
}

/**
 * The training side of erasure: labels of entries, the OCR text and perceptual hash of their
 * training examples and the label hashes of dataset versions are sealed under the plate's key, so
 * erasing the plate leaves none of them readable anywhere under DATA_DIR; exports skip its examples.
 */
describe('privacy: erasure reaches labels, training examples and datasets', () => {
  const ocr = new ScriptedOcrEngine();
  let app: TestApp;
  let guard: string;
  let labeler: string;
  let engineer: string;
  let auditor: string;
  let officer: string;
  let ops: string;
  const photos = new Map<string, Buffer>();
  const entryPlate = new Map<string, string>();
  const phashOf = new Map<string, string>();
  let datasetId: string;

  beforeAll(async () => {
    app = await startTestApp({ ocrEngine: ocr, env: { OCR_WORKERS: '1' } });
    guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    labeler = app.token({ sub: 'l1', tenant: 'acme', roles: ['labeler'] });
    engineer = app.token({ sub: 'e1', tenant: 'acme', roles: ['ml_engineer'] });
    auditor = app.token({ sub: 'a1', tenant: 'acme', roles: ['auditor'] });
    officer = app.token({ sub: 'p1', tenant: 'acme', roles: ['privacy_officer'] });
    ops = app.token({ sub: 'o1', tenant: 'acme', roles: ['ops'] });
    // Two sightings of KXM4721 (misread as KXM472I), one of BRT9058: all unsure, so all become examples.
    for (const [plate, read, seed] of [
      ['KXM4721', 'KXM472I', 1],
      ['KXM4721', 'KXM472I', 2],
      ['BRT9058', 'BRT9O58', 3],
    ] as const) {
      const photo = await renderPlatePhoto(plate, { noise: 6, seed });
      ocr.script(photo, read, 0.3);
      const res = await call<{ entry_id: string }>(app, 'POST', '/api/v2/vehicle-entries', { token: guard, form: photoForm({ gate_id: 'north' }, photo) });
      expect(res.status).toBe(201);
      photos.set(res.body.entry_id, photo);
      entryPlate.set(res.body.entry_id, plate);
    }
    await waitForExamples(app, labeler, 3);
  });
  afterAll(() => app?.close());

  const example = (entryId: string, position?: string) =>
    call<ExampleAnswer>(app, 'GET', `/api/v2/ml-training/examples/ve_${entryId}${position ? `?min_position=${position}` : ''}`, { token: labeler });
  const kxm = () => [...entryPlate].filter(([, p]) => p === 'KXM4721').map(([id]) => id);
  const brt = () => [...entryPlate].filter(([, p]) => p === 'BRT9058').map(([id]) => id);
  const exportJsonl = async () => {
    const res = await fetch(`${app.baseUrl}/api/v2/ml-training/datasets/${datasetId}/export?format=jsonl`, { headers: { authorization: `Bearer ${engineer}` } });
    expect(res.status).toBe(200);
    return (await res.text())
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { example_id: string; label: string; label_hash: string; image_sha256: string });
  };

  it('given entries corrected and labeled and frozen into a dataset, then every personal field is stored sealed and opens on read', async () => {
    const [first] = kxm();
    const corrected = await call<{ position: string }>(app, 'POST', '/api/v2/ml-training/corrections', {
      token: guard,
      json: { source_type: 'vehicle_entry', source_id: first, corrected_text: 'KXM4721', correction_type: 'OCR_ERROR' },
    });
    expect(corrected.status).toBe(201);
    const run = await runActiveLearning(app, engineer);
    let position = run.position;
    const tasks = (await backlog(app, labeler, run.position)).items;
    for (const task of tasks) {
      const entryId = task.example_id.replace(/^ve_/, '');
      expect((await call(app, 'POST', `/api/v2/ml-training/labeling-tasks/${task.task_id}/claim`, { token: labeler })).status).toBe(200);
      const done = await call<{ position: string; label: string }>(app, 'POST', `/api/v2/ml-training/labeling-tasks/${task.task_id}/submit`, { token: labeler, json: { label: entryPlate.get(entryId) } });
      expect(done.status).toBe(200);
      // The answer shows the label as given (opened), the log holds it sealed.
      expect(done.body.label).toBe(entryPlate.get(entryId));
      position = done.body.position;
    }
    for (const id of entryPlate.keys()) {
      const shown = await example(id, position);
      expect(shown.body).toMatchObject({ label: entryPlate.get(id) });
      expect(shown.body.phash).toMatch(/^[0-9a-f]{16}$/);
      phashOf.set(id, shown.body.phash as string);
    }

    // A repeated submit of the same label (sealed anew, another ciphertext) is recognised: 200, nothing appended.
    const again = await call<{ label: string }>(app, 'POST', `/api/v2/ml-training/labeling-tasks/${tasks[0].task_id}/submit`, {
      token: labeler,
      json: { label: entryPlate.get(tasks[0].example_id.replace(/^ve_/, '')) },
    });
    expect(again.status).toBe(200);
    const completed = await eventsOfType(app, auditor, 'LabelingTaskCompleted');
    expect(completed).toHaveLength(3);
    for (const e of completed) expect(isSealed(e.data.label)).toBe(true);
    const captured = await eventsOfType(app, auditor, 'TrainingExampleCaptured');
    expect(captured).toHaveLength(3);
    for (const e of captured) {
      expect(isSealed(e.data.redactedText)).toBe(true);
      expect(isSealed((e.data.diversity as { phash: string }).phash)).toBe(true);
    }

    const created = await call<{ dataset_id: string; example_count: number }>(app, 'POST', '/api/v2/ml-training/datasets', { token: engineer, json: { name: 'plates' } });
    expect(created.status).toBe(201);
    expect(created.body.example_count).toBe(3);
    datasetId = created.body.dataset_id;
    const [version] = await eventsOfType(app, auditor, 'DatasetVersionCreated');
    for (const e of version.data.examples as { label: string; labelHash: string }[]) {
      expect(isSealed(e.label)).toBe(true);
      // A keyed hash: hashing every possible plate does not find it.
      expect([sha256('KXM4721'), sha256('BRT9058')]).not.toContain(e.labelHash);
    }
    const lines = await exportJsonl();
    expect(lines.map((l) => l.label).sort()).toEqual(['BRT9058', 'KXM4721', 'KXM4721']);
    // Two labels of one plate hash alike; the other plate's differs.
    const hashes = new Map(lines.map((l) => [l.example_id, l.label_hash]));
    const [k1, k2] = kxm();
    expect(hashes.get(`ve_${k1}`)).toBe(hashes.get(`ve_${k2}`));
    expect(hashes.get(`ve_${brt()[0]}`)).not.toBe(hashes.get(`ve_${k1}`));

    // Sealed from the start: none of the plates' texts, perceptual hashes or photos is in any file.
    for (const needle of ['KXM4721', 'KXM472I', 'BRT9058', 'BRT9O58', ...phashOf.values()]) expect({ needle, files: holding(app.dataDir, needle) }).toEqual({ needle, files: [] });
    for (const photo of photos.values()) expect(holding(app.dataDir, photo)).toEqual([]);
  });

  it('given the plate erased, then its labels, texts, perceptual hashes and photos are gone everywhere, exports skip it, the other plate is intact and chains verify', async () => {
    const erased = await call<{ position: string }>(app, 'POST', '/api/v2/privacy/erasures', { token: officer, json: { plate: 'KXM4721', reason: 'request of the data subject' } });
    expect(erased.status).toBe(201);

    for (const id of kxm()) {
      const shown = await example(id, erased.body.position);
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({ label: null, phash: null, erased: true });
      // Read as KXM472I and labeled KXM4721: the entry is in both subjects, and erasing one erases both.
      expect((await call(app, 'GET', `/api/v2/vehicle-entries/${id}`, { token: guard })).body).toMatchObject({ plate: null, raw_text: null, erased: true });
      expect(holding(app.dataDir, photos.get(id) as Buffer)).toEqual([]);
    }
    const [other] = brt();
    expect((await example(other)).body).toMatchObject({ label: 'BRT9058', phash: phashOf.get(other) });
    const image = await fetch(`${app.baseUrl}/api/v2/ml-training/examples/ve_${other}/image`, { headers: { authorization: `Bearer ${labeler}` } });
    expect(image.status).toBe(200);
    expect(Buffer.from(await image.arrayBuffer())).toEqual(photos.get(other));
    for (const id of kxm()) {
      const gone = await fetch(`${app.baseUrl}/api/v2/ml-training/examples/ve_${id}/image`, { headers: { authorization: `Bearer ${labeler}` } });
      expect(gone.status).toBe(404);
    }

    // The frozen version keeps its examples (the log is immutable), its exports skip the erased ones.
    const lines = await exportJsonl();
    expect(lines.map((l) => [l.example_id, l.label])).toEqual([[`ve_${other}`, 'BRT9058']]);
    const tar = await fetch(`${app.baseUrl}/api/v2/ml-training/datasets/${datasetId}/export?format=tesstrain`, { headers: { authorization: `Bearer ${engineer}` } });
    expect(tar.status).toBe(200);
    expect(readTar(Buffer.from(await tar.arrayBuffer())).map((f) => f.name).sort()).toEqual([`ve_${other}.gt.txt`, `ve_${other}.png`]);
    // A new version leaves them out.
    const again = await call<{ example_count: number }>(app, 'POST', '/api/v2/ml-training/datasets', { token: engineer, json: { name: 'after erasure' } });
    expect(again.status).toBe(201);
    expect(again.body.example_count).toBe(1);

    // Every chain verifies: entries, examples, labeling tasks, datasets, the erasure.
    const streams = new Set<string>();
    for (const type of ['VehicleEntryRecorded', 'TrainingExampleCaptured', 'LabelingTaskCompleted', 'DatasetVersionCreated', 'SubjectErased']) {
      for (const e of await eventsOfType(app, auditor, type)) streams.add(e.stream);
    }
    expect(streams.size).toBeGreaterThanOrEqual(3 + 3 + 3 + 2 + 1);
    for (const stream of streams) {
      const verify = await call(app, 'GET', `/api/v2/audit/streams/${stream}/verify`, { token: auditor });
      expect({ stream, body: verify.body }).toMatchObject({ stream, body: { valid: true } });
    }

    // Read models equal a rebuild from the log (read straight from the SQLite file: on the embedded store).
    if (!app.storeEnv.DATABASE_URL) {
      await waitQuiet(app.baseUrl, ops);
      const before = snapshotReadModels(app.dataDir, await projections(app.baseUrl, ops));
      await rebuildAll(app.baseUrl, ops);
      const rebuilt = snapshotReadModels(app.dataDir, await projections(app.baseUrl, ops));
      expect(Object.keys(rebuilt).sort()).toEqual(Object.keys(before).sort());
      for (const key of Object.keys(before)) expect({ [key]: rebuilt[key] }).toEqual({ [key]: before[key] });
    }

    // No byte of the erased plate's text, label or perceptual hash in any file under DATA_DIR.
    for (const needle of ['KXM4721', 'KXM472I', ...kxm().map((id) => phashOf.get(id) as string)]) expect({ needle, files: holding(app.dataDir, needle) }).toEqual({ needle, files: [] });
  });

  it('given a dataset version written before labels were sealed (a plain label, its unkeyed sha256), then it still reads and exports as written', async () => {
    const events = app.app.get<EventStore>(EVENT_STORE);
    const [other] = brt();
    const [version] = await eventsOfType(app, auditor, 'DatasetVersionCreated');
    const { hash: _hash, ...metadata } = version.metadata as Record<string, unknown> & { hash?: string };
    const legacyId = `ds_${randomUUID()}`;
    const example = { exampleId: `ve_${other}`, sourceSystem: 'vehicle_entry', imageHash: sha256(photos.get(other) as Buffer), label: 'BRT9058', labelHash: sha256('BRT9058'), labelSource: 'labeler' };
    const data = { datasetId: legacyId, tenantId: 'acme', name: 'legacy', createdAt: new Date().toISOString(), sourceSystem: null, exampleCount: 1, contentHash: sha256('legacy'), examples: [example] };
    const appended = await events.append(`dataset-${legacyId}`, [{ eventId: randomUUID(), type: 'DatasetVersionCreated', data, metadata: metadata as never }], 'no_stream');
    const res = await fetch(`${app.baseUrl}/api/v2/ml-training/datasets/${legacyId}/export?format=jsonl&min_position=${appended.position}`, { headers: { authorization: `Bearer ${engineer}` } });
    expect(res.status).toBe(200);
    const [line] = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(line).toMatchObject({ example_id: `ve_${other}`, label: 'BRT9058', label_hash: sha256('BRT9058'), image_sha256: sha256(photos.get(other) as Buffer) });
    expect(Buffer.from(line.image_base64, 'base64')).toEqual(photos.get(other));
  });
});

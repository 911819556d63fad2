import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { readTar } from '../../src/projections/datasets/tar-writer';
import { TestApp, startTestApp } from '../support/app';
import { renderMeterPhoto, renderPlatePhoto } from '../support/photos';
import { ScriptedOcrEngine, backlog, call, eventsOfType, runActiveLearning, uploadEntry, uploadMeter, waitForExamples } from './training-helpers';
import { checkedFetch } from '../support/wire';

jest.setTimeout(120_000);

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('dataset versions and their export', () => {
  const ocr = new ScriptedOcrEngine();
  let app: TestApp;
  let engineer: string;
  let labeler: string;
  let datasetId: string;
  const labels = new Map<string, string>();

  beforeAll(async () => {
    app = await startTestApp({ ocrEngine: ocr });
    const guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    engineer = app.token({ sub: 'eng', tenant: 'acme', roles: ['ml_engineer'] });
    labeler = app.token({ sub: 'lab', tenant: 'acme', roles: ['labeler'] });
    const meter = await renderMeterPhoto('004512', { blur: 1 });
    ocr.script(meter, '00451', 0.4);
    await uploadMeter(app, guard, meter);
    // A JPEG upload: tesstrain gets it as PNG.
    const plate = await sharp(await renderPlatePhoto('KMN4821', { blur: 1 })).jpeg({ quality: 85 }).toBuffer();
    ocr.script(plate, 'KMN482', 0.3);
    await uploadEntry(app, guard, plate);
    const third = await renderMeterPhoto('7310', { blur: 1 });
    ocr.script(third, '731', 0.5);
    await uploadMeter(app, guard, third);
    await waitForExamples(app, labeler, 3);
  });
  afterAll(() => app.close());

  it('422 while nothing is labeled; only ml_engineer may create one', async () => {
    expect((await call(app, 'POST', '/api/v2/ml-training/datasets', { token: engineer, json: {} })).status).toBe(422);
    expect((await call(app, 'POST', '/api/v2/ml-training/datasets', { token: labeler, json: {} })).status).toBe(403);
    expect((await call(app, 'POST', '/api/v2/ml-training/datasets', { token: engineer, json: { source_system: 'water' } })).status).toBe(400);
  });

  it('freezes the labeled examples into a version with example ids and label hashes', async () => {
    const run = await runActiveLearning(app, engineer);
    const tasks = (await backlog(app, labeler, run.position)).items;
    let position = run.position;
    // Two of three get labels; the third stays in the queue and is not in the dataset.
    for (const [task, label] of [
      [tasks.find((t) => t.source_system === 'meter_reading'), '004512'],
      [tasks.find((t) => t.source_system === 'vehicle_entry'), 'KMN4821'],
    ] as const) {
      expect((await call(app, 'POST', `/api/v2/ml-training/labeling-tasks/${task?.task_id}/claim`, { token: labeler })).status).toBe(200);
      const done = await call<{ position: string }>(app, 'POST', `/api/v2/ml-training/labeling-tasks/${task?.task_id}/submit`, { token: labeler, json: { label } });
      expect(done.status).toBe(200);
      labels.set(task?.example_id as string, label);
      position = done.body.position;
    }
    await call(app, 'GET', `/api/v2/ml-training/examples?min_position=${position}`, { token: labeler });
    const created = await call<{ dataset_id: string; example_count: number; content_hash: string; position: string }>(app, 'POST', '/api/v2/ml-training/datasets', { token: engineer, json: { name: 'first' } });
    expect(created.status).toBe(201);
    expect(created.body.example_count).toBe(2);
    datasetId = created.body.dataset_id;

    const auditor = app.token({ sub: 'aud', tenant: 'acme', roles: ['auditor'] });
    const [event] = await eventsOfType(app, auditor, 'DatasetVersionCreated');
    expect(event.stream).toBe(`dataset-${datasetId}`);
    const examples = event.data.examples as { exampleId: string; sourceSystem: string; labelHash: string }[];
    expect(examples.map((e) => e.exampleId).sort()).toEqual([...labels.keys()].sort());
    // A meter's label is hashed as it is; an entry's (a plate) with its subject's key, never an unkeyed sha256.
    for (const e of examples) expect(e.labelHash === sha256(labels.get(e.exampleId) as string)).toBe(e.sourceSystem === 'meter_reading');

    const listed = await call<{ items: { dataset_id: string }[] }>(app, 'GET', `/api/v2/ml-training/datasets?min_position=${created.body.position}`, { token: engineer });
    expect(listed.body.items.map((d) => d.dataset_id)).toEqual([datasetId]);
  });

  it('exports tesstrain ground truth: a tar of name.png + name.gt.txt pairs', async () => {
    const res = await checkedFetch(app.baseUrl, `/api/v2/ml-training/datasets/${datasetId}/export?format=tesstrain`, { headers: { authorization: `Bearer ${engineer}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-tar');
    const files = readTar(Buffer.from(await res.arrayBuffer()));
    expect(files.map((f) => f.name).sort()).toEqual([...labels.keys()].flatMap((id) => [`${id}.gt.txt`, `${id}.png`]).sort());
    for (const [id, label] of labels) {
      expect(files.find((f) => f.name === `${id}.gt.txt`)?.content.toString('utf8')).toBe(`${label}\n`);
      const png = files.find((f) => f.name === `${id}.png`)?.content as Buffer;
      expect((await sharp(png).metadata()).format).toBe('png');
    }
  });

  it('exports a JSONL manifest with the images in base64', async () => {
    const res = await checkedFetch(app.baseUrl, `/api/v2/ml-training/datasets/${datasetId}/export?format=jsonl`, { headers: { authorization: `Bearer ${engineer}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.label).toBe(labels.get(line.example_id));
      if (line.source_system === 'meter_reading') expect(line.label_hash).toBe(sha256(line.label));
      else expect(line.label_hash).toMatch(/^[0-9a-f]{64}$/);
      const image = Buffer.from(line.image_base64, 'base64');
      expect(sha256(image)).toBe(line.image_sha256);
      expect(line.image_content_type).toBe(line.source_system === 'vehicle_entry' ? 'image/jpeg' : 'image/png');
    }
  });

  it('another tenant sees no dataset (404); a bad format is 400', async () => {
    const stranger = app.token({ sub: 'x', tenant: 'globex', roles: ['ml_engineer'] });
    expect((await call(app, 'GET', `/api/v2/ml-training/datasets/${datasetId}/export?format=jsonl`, { token: stranger })).status).toBe(404);
    expect((await call(app, 'GET', `/api/v2/ml-training/datasets/${datasetId}`, { token: stranger })).status).toBe(404);
    expect((await call(app, 'GET', `/api/v2/ml-training/datasets/${datasetId}/export?format=zip`, { token: engineer })).status).toBe(400);
  });
});

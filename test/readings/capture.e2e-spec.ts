import { SagaRunner } from '../../src/runtime/saga-runner';
import { TestApp, startTestApp } from '../support/app';
import { degrade, notAnImage, renderMeterPhoto, renderPlatePhoto, truncatedPng, renderUnreadableMeterPhoto } from '../support/photos';
import { ExampleItem, auditEvents, call, eventually, examplesOf, photoForm } from './readings-helpers';

jest.setTimeout(120_000);

interface MeterAnswer {
  reading_id: string;
  asset_id: string;
  value: number | null;
  unit: string | null;
  raw_text: string;
  confidence: number;
  captured_for_training: boolean;
  position: string;
  message?: string;
}

describe('capture: meter readings and vehicle entries through real OCR', () => {
  let app: TestApp;
  let guard: string;
  let labeler: string;
  let auditor: string;
  let otherTenant: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { OCR_WORKERS: '1' } });
    guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    labeler = app.token({ sub: 'l1', tenant: 'acme', roles: ['labeler'] });
    auditor = app.token({ sub: 'a1', tenant: 'acme', roles: ['auditor'] });
    otherTenant = app.token({ sub: 'x1', tenant: 'globex', roles: ['guard', 'labeler', 'ml_engineer'] });
  });
  afterAll(() => app.close());

  const postMeter = (photo: Buffer | undefined, fields: Record<string, string> = { asset_id: 'meter-7' }, token = guard) =>
    call<MeterAnswer>(app, 'POST', '/api/v2/meter-readings', { token, form: photoForm(fields, photo) });

  /** Waits until the capture saga has handled everything up to `position`. */
  const sagasAt = async (position: string) => expect(await app.app.get(SagaRunner).waitFor(Number(position))).toBe(true);

  it('given a clear meter photo, when uploaded, then the right value with high confidence and no training example', async () => {
    const res = await postMeter(await renderMeterPhoto('004512.7'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ asset_id: 'meter-7', value: 4512.7, unit: null, captured_for_training: false });
    expect(res.body.reading_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.confidence).toBeGreaterThanOrEqual(0.7);
    expect(res.body.position).toMatch(/^\d+$/);

    await sagasAt(res.body.position);
    expect(await examplesOf(app, labeler, res.body.reading_id, res.body.position)).toEqual([]);
    expect(await auditEvents(app, auditor, 'TrainingExampleCaptured')).toEqual([]);

    const record = await call(app, 'GET', `/api/v2/meter-readings/${res.body.reading_id}?min_position=${res.body.position}`, { token: labeler });
    expect(record.status).toBe(200);
    expect(record.body).toMatchObject({ reading_id: res.body.reading_id, asset_id: 'meter-7', value: 4512.7, captured_for_training: false, corrections: [] });
    expect(record.body.image_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('given an unreadably blurred meter photo, when uploaded, then it is captured as an example with uncertainty = 1 - confidence', async () => {
    const res = await postMeter(await renderUnreadableMeterPhoto('004512.7'), { asset_id: 'meter-8' });
    expect(res.status).toBe(201);
    expect(res.body.confidence).toBeLessThan(0.7);
    expect(res.body.captured_for_training).toBe(true);

    const [example] = await eventually(async () => {
      const items = await examplesOf(app, labeler, res.body.reading_id);
      return items.length > 0 ? items : null;
    });
    expect(example).toMatchObject<Partial<ExampleItem>>({ source_system: 'meter_reading', source_id: res.body.reading_id, status: 'captured', ground_truth_text: null, corrected: false });
    expect(example.uncertainty_score).toBeCloseTo(1 - res.body.confidence, 10);
    expect(example.raw_text).toBe(res.body.raw_text);

    const captured = await auditEvents(app, auditor, 'TrainingExampleCaptured');
    expect(captured).toHaveLength(1);
    expect(captured[0].stream).toBe(`example-${example.example_id}`);
    expect(captured[0].data).toMatchObject({ sourceId: res.body.reading_id, imageHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // As stored: new captures are schemaVersion 2, diversity data grouped.
    expect((captured[0].data.diversity as { vector: number[] }).vector.length).toBeGreaterThan(64);
  });

  it('given a photo with no readable text, when uploaded, then 201 with empty text, confidence 0 and captured', async () => {
    const res = await postMeter(await renderMeterPhoto(''), { asset_id: 'meter-blank' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ value: null, raw_text: '', confidence: 0, captured_for_training: true });
    // Captured means the example exists (written by the capture saga, after the answer).
    await eventually(async () => ((await examplesOf(app, labeler, res.body.reading_id)).length > 0 ? true : null));
  });

  it.each([
    ['a PDF', async () => notAnImage()],
    ['a truncated PNG', truncatedPng],
  ])('given %s, when uploaded, then 422 and nothing is appended', async (_what, make) => {
    const before = await auditEvents(app, auditor);
    const res = await postMeter(await make());
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ status_code: 422 });
    expect(await auditEvents(app, auditor)).toHaveLength(before.length);
  });

  it('given no photo, when uploaded, then 400 naming photo', async () => {
    const res = await postMeter(undefined);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/photo/);
  });

  it('given no asset_id, when uploaded, then 400 naming asset_id', async () => {
    const res = await postMeter(await renderMeterPhoto('12'), {});
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/asset_id/);
  });

  it('given no token or the wrong role, when uploading, then 401 or 403', async () => {
    const photo = await renderMeterPhoto('12');
    expect((await call(app, 'POST', '/api/v2/meter-readings', { form: photoForm({ asset_id: 'm' }, photo) })).status).toBe(401);
    expect((await postMeter(photo, { asset_id: 'm' }, labeler)).status).toBe(403);
  });

  it('given a clear plate photo, when a vehicle entry is uploaded, then the plate is read and the entry can be fetched', async () => {
    const res = await call<{ entry_id: string; gate_id: string; plate: string; confidence: number; captured_for_training: boolean; position: string }>(app, 'POST', '/api/v2/vehicle-entries', {
      token: guard,
      form: photoForm({ gate_id: 'north' }, await renderPlatePhoto('ABC1234')),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ gate_id: 'north', plate: 'ABC1234', captured_for_training: false });
    expect(res.body.confidence).toBeGreaterThanOrEqual(0.7);

    const entry = await call(app, 'GET', `/api/v2/vehicle-entries/${res.body.entry_id}?min_position=${res.body.position}`, { token: guard });
    expect(entry.status).toBe(200);
    expect(entry.body).toMatchObject({ entry_id: res.body.entry_id, gate_id: 'north', plate: 'ABC1234', corrections: [] });
    expect((await call(app, 'GET', `/api/v2/meter-readings/${res.body.entry_id}`, { token: guard })).status).toBe(404);
  });

  it("given another tenant's reading, when fetched or listed, then 404 and an empty list", async () => {
    const res = await postMeter(await degrade(await renderMeterPhoto('004512.7'), { downscale: 0.12 }), { asset_id: 'meter-9' });
    expect(res.status).toBe(201);
    expect(res.body.captured_for_training).toBe(true);
    const record = await call(app, 'GET', `/api/v2/meter-readings/${res.body.reading_id}?min_position=${res.body.position}`, { token: otherTenant });
    expect(record.status).toBe(404);
    await eventually(async () => ((await examplesOf(app, labeler, res.body.reading_id)).length > 0 ? true : null));
    expect(await examplesOf(app, otherTenant, res.body.reading_id)).toEqual([]);
  });

  it('given several examples, when listed with filters and a small limit, then pages follow the cursor', async () => {
    const all = await call<{ items: ExampleItem[]; next_cursor: string | null }>(app, 'GET', '/api/v2/ml-training/examples?status=captured&source_system=meter_reading', { token: labeler });
    expect(all.status).toBe(200);
    expect(all.body.items.length).toBeGreaterThanOrEqual(2);
    expect(all.body.next_cursor).toBeNull();

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: ExampleItem[]; next_cursor: string | null } } = await call(app, 'GET', `/api/v2/ml-training/examples?status=captured&limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token: labeler });
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items.map((i) => i.example_id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen.sort()).toEqual(all.body.items.map((i) => i.example_id).sort());

    expect((await call(app, 'GET', '/api/v2/ml-training/examples?status=labeled', { token: labeler })).body).toEqual({ items: [], next_cursor: null });
    const bad = await call(app, 'GET', '/api/v2/ml-training/examples?status=done', { token: labeler });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/status/);
    expect((await call(app, 'GET', '/api/v2/ml-training/examples', { token: guard })).status).toBe(403);
  });
});

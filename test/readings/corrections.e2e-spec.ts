import { EVENT_STORE, EventStore } from '../../src/ports/event-store.port';
import { SagaRunner } from '../../src/runtime/saga-runner';
import { TestApp, startTestApp } from '../support/app';
import { renderMeterPhoto, renderPlatePhoto, renderUnreadableMeterPhoto } from '../support/photos';
import { auditEvents, call, eventually, examplesOf, photoForm } from './readings-helpers';

jest.setTimeout(120_000);

interface CorrectionAnswer {
  status: string;
  message: string;
  correction_id: string;
  position: string;
}

describe('corrections API', () => {
  let app: TestApp;
  let guard: string;
  let labeler: string;
  let auditor: string;
  let otherTenant: string;
  let clearReading: string;
  let blurredReading: string;
  let entry: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { OCR_WORKERS: '1' } });
    guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    labeler = app.token({ sub: 'l1', tenant: 'acme', roles: ['labeler'] });
    auditor = app.token({ sub: 'a1', tenant: 'acme', roles: ['auditor'] });
    otherTenant = app.token({ sub: 'x1', tenant: 'globex', roles: ['guard', 'labeler'] });
    const meter = async (photo: Buffer) => (await call<{ reading_id: string }>(app, 'POST', '/api/v2/meter-readings', { token: guard, form: photoForm({ asset_id: 'meter-1' }, photo) })).body.reading_id;
    clearReading = await meter(await renderMeterPhoto('0871.25'));
    blurredReading = await meter(await renderUnreadableMeterPhoto('004512.7'));
    entry = (await call<{ entry_id: string }>(app, 'POST', '/api/v2/vehicle-entries', { token: guard, form: photoForm({ gate_id: 'north' }, await renderPlatePhoto('KMN4821')) })).body.entry_id;
    await eventually(async () => ((await examplesOf(app, labeler, blurredReading)).length > 0 ? true : null));
  });
  afterAll(() => app.close());

  /** Every saga has handled the log up to its head (their effects are asynchronous). */
  const sagasIdle = async () => {
    expect(await app.app.get(SagaRunner).waitFor(await app.app.get<EventStore>(EVENT_STORE).headPosition())).toBe(true);
  };
  const exampleCorrections = async (correctionId: string) => (await auditEvents(app, auditor, 'TrainingExampleCorrected')).filter((e) => e.data.correctionId === correctionId);

  const correct = (body: Record<string, unknown>, options: { token?: string; key?: string; path?: string } = {}) =>
    call<CorrectionAnswer>(app, 'POST', options.path ?? '/api/v2/ml-training/corrections/', {
      token: 'token' in options ? options.token : labeler,
      json: body,
      headers: options.key ? { 'idempotency-key': options.key } : {},
    });

  it('given a confident reading, when corrected, then 201 and the example is created with the ground truth and uncertainty 1.0', async () => {
    const res = await correct({ source_type: 'meter_reading', source_id: clearReading, corrected_text: '0871.26', correction_type: 'WRONG_READING' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'success', correction_id: expect.stringMatching(/^[0-9a-f-]{36}$/), position: expect.stringMatching(/^\d+$/) });
    expect(res.body.message).toEqual(expect.any(String));

    const [example] = await examplesOf(app, labeler, clearReading, res.body.position);
    expect(example).toMatchObject({ source_system: 'meter_reading', status: 'corrected', ground_truth_text: '0871.26', uncertainty_score: 1.0, corrected: true });

    const record = await call<{ corrections: unknown[]; corrected_text: string; confidence: number; engine: string; engine_name: string; raw_text: string }>(app, 'GET', `/api/v2/meter-readings/${clearReading}?min_position=${res.body.position}`, { token: guard });
    expect(record.body.corrected_text).toBe('0871.26');
    // The example keeps what the OCR said and how sure it was: the correction does not make it look right.
    expect(example.confidence).toBe(record.body.confidence);
    expect(example.confidence).toBeGreaterThanOrEqual(0.7);
    expect(example.raw_text).toBe(record.body.raw_text);
    expect(example.raw_text).not.toBe('0871.26');
    const one = await call<{ engine: string | null; engine_name: string | null }>(app, 'GET', `/api/v2/ml-training/examples/${example.example_id}`, { token: labeler });
    expect(one.body).toMatchObject({ engine: record.body.engine, engine_name: record.body.engine_name });
    expect(record.body.corrections).toEqual([expect.objectContaining({ correction_id: res.body.correction_id, corrected_text: '0871.26', correction_type: 'WRONG_READING', corrected_by: 'l1' })]);

    const submitted = await auditEvents(app, auditor, 'CorrectionSubmitted');
    expect(submitted.find((e) => e.data.correctionId === res.body.correction_id)?.stream).toBe(`reading-${clearReading}`);
  });

  it('given a captured example, when a guard corrects its reading without the trailing slash, then the example becomes corrected at 1.0', async () => {
    const res = await correct({ source_type: 'meter_reading', source_id: blurredReading, corrected_text: '004512.7', correction_type: 'OCR_ERROR' }, { token: guard, path: '/api/v2/ml-training/corrections' });
    expect(res.status).toBe(201);
    const [example] = await examplesOf(app, labeler, blurredReading, res.body.position);
    expect(example).toMatchObject({ status: 'corrected', ground_truth_text: '004512.7', uncertainty_score: 1.0 });
    expect(example.confidence).toBeLessThan(0.7);
  });

  it('given a vehicle entry, when corrected, then its example exists with the plate as ground truth', async () => {
    const res = await correct({ source_type: 'vehicle_entry', source_id: entry, corrected_text: 'KMN4821', correction_type: 'OCR_ERROR' });
    expect(res.status).toBe(201);
    expect((await examplesOf(app, labeler, entry, res.body.position))[0]).toMatchObject({ source_system: 'vehicle_entry', ground_truth_text: 'KMN4821' });
  });

  it.each([
    ['an invalid source_type', { source_type: 'water_meter', source_id: 'x1', corrected_text: '1', correction_type: 'OCR_ERROR' }, /source_type/],
    ['an invalid correction_type', { source_type: 'meter_reading', source_id: 'x1', corrected_text: '1', correction_type: 'TYPO' }, /correction_type/],
    ['no corrected_text', { source_type: 'meter_reading', source_id: 'x1', correction_type: 'OCR_ERROR' }, /corrected_text/],
    ['a malformed source_id', { source_type: 'meter_reading', source_id: '../x', corrected_text: '1', correction_type: 'OCR_ERROR' }, /source_id/],
    ['an unknown field', { source_type: 'meter_reading', source_id: 'x1', corrected_text: '1', correction_type: 'OCR_ERROR', tenant: 'globex' }, /tenant/],
  ])('given %s, when submitted, then 400 naming the field', async (_what, body, field) => {
    const res = await correct(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(field);
  });

  it('given an unknown source, when corrected, then 404', async () => {
    expect((await correct({ source_type: 'meter_reading', source_id: 'no-such-reading', corrected_text: '1', correction_type: 'OCR_ERROR' })).status).toBe(404);
    expect((await correct({ source_type: 'vehicle_entry', source_id: clearReading, corrected_text: '1', correction_type: 'OCR_ERROR' })).status).toBe(404);
  });

  it("given another tenant's source, when corrected, then 403 and nothing appended", async () => {
    await sagasIdle();
    const before = (await auditEvents(app, auditor)).length;
    const res = await correct({ source_type: 'meter_reading', source_id: clearReading, corrected_text: '1', correction_type: 'OCR_ERROR' }, { token: otherTenant });
    expect(res.status).toBe(403);
    expect(await auditEvents(app, auditor)).toHaveLength(before);
  });

  it('given no token or the wrong role, when submitted, then 401 or 403', async () => {
    const body = { source_type: 'meter_reading', source_id: clearReading, corrected_text: '1', correction_type: 'OCR_ERROR' };
    expect((await correct(body, { token: undefined })).status).toBe(401);
    expect((await correct(body, { token: auditor })).status).toBe(403);
  });

  it('given an Idempotency-Key, when the request is retried, then the same answer and no new events', async () => {
    const body = { source_type: 'meter_reading', source_id: clearReading, corrected_text: '0871.27', correction_type: 'OCR_ERROR' };
    const first = await correct(body, { key: 'retry-123' });
    expect(first.status).toBe(201);
    await sagasIdle();
    const before = (await auditEvents(app, auditor)).length;
    const again = await correct(body, { key: 'retry-123' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const viaOtherPath = await correct(body, { key: 'retry-123', path: '/api/v2/ml-training/corrections' });
    expect(viaOtherPath.body).toEqual(first.body);
    expect(await auditEvents(app, auditor)).toHaveLength(before);

    const [example] = await examplesOf(app, labeler, clearReading, first.body.position);
    expect(example.ground_truth_text).toBe('0871.27');

    const other = await correct(body, { key: 'retry-124' });
    expect(other.body.correction_id).not.toBe(first.body.correction_id);
  });

  it('given the sagas paused, when a correction is submitted, then the answer already covers the example through the projection, and the example event is appended once, later, by the capture saga alone', async () => {
    const sagas = app.app.get(SagaRunner);
    await sagasIdle();
    await sagas.stop();
    let res;
    try {
      res = await correct({ source_type: 'meter_reading', source_id: blurredReading, corrected_text: '004512.8', correction_type: 'OCR_ERROR' });
      expect(res.status).toBe(201);
      const [example] = await examplesOf(app, labeler, blurredReading, res.body.position);
      expect(example).toMatchObject({ status: 'corrected', ground_truth_text: '004512.8', uncertainty_score: 1.0 });
      // The request ran no part of the saga's effect.
      expect(await exampleCorrections(res.body.correction_id)).toEqual([]);
    } finally {
      await sagas.start();
    }
    const correctionId = res.body.correction_id;
    await eventually(async () => ((await exampleCorrections(correctionId)).length > 0 ? true : null));
    await sagasIdle();
    const effects = await exampleCorrections(correctionId);
    expect(effects).toHaveLength(1);
    expect(effects[0]).toMatchObject({ stream: expect.stringMatching(/^example-mr_/) });
  });
});

import { isSealed } from '../../src/domain/privacy/sealed';
import { TestApp, startTestApp } from '../support/app';
import { renderMeterPhoto, renderPlatePhoto } from '../support/photos';
import { ScriptedOcrEngine, call, eventsOfType, runActiveLearning, uploadEntry, uploadMeter, waitForExamples } from '../training/training-helpers';

jest.setTimeout(240_000);

interface ExampleDetail {
  example_id: string;
  features: number[] | null;
  phash: string | null;
  erased?: boolean;
}

/**
 * An entry's diversity vector carries the perceptual-hash bits of its photo: it is stored sealed
 * under the plate's key (in VehicleEntryRecorded and TrainingExampleCaptured), opens for active
 * learning and the example's answer, and once the plate is erased its example is never chosen for
 * labeling again. A meter's vector holds no person and stays as it is.
 */
describe('privacy: the diversity vector of an entry is sealed, and an erased entry leaves the labeling pool', () => {
  const ocr = new ScriptedOcrEngine();
  let app: TestApp;
  let guard: string;
  let labeler: string;
  let engineer: string;
  let auditor: string;
  const entries: Record<string, string> = {};
  let reading: string;

  beforeAll(async () => {
    app = await startTestApp({ ocrEngine: ocr });
    guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    labeler = app.token({ sub: 'l1', tenant: 'acme', roles: ['labeler'] });
    engineer = app.token({ sub: 'e1', tenant: 'acme', roles: ['ml_engineer'] });
    auditor = app.token({ sub: 'a1', tenant: 'acme', roles: ['auditor'] });
    for (const [plate, seed] of [
      ['KXM4721', 1],
      ['BRT9058', 2],
    ] as const) {
      const photo = await renderPlatePhoto(plate, { noise: 6, seed });
      ocr.script(photo, plate, 0.3);
      entries[plate] = await uploadEntry(app, guard, photo);
    }
    const meter = await renderMeterPhoto('00731', { seed: 3 });
    ocr.script(meter, '00731', 0.3);
    reading = await uploadMeter(app, guard, meter);
    await waitForExamples(app, labeler, 3);
  });
  afterAll(() => app?.close());

  const detail = (exampleId: string) => call<ExampleDetail>(app, 'GET', `/api/v2/ml-training/examples/${exampleId}`, { token: labeler });

  it('stores an entry vector sealed and a meter vector as numbers, and answers both opened', async () => {
    const recorded = await eventsOfType(app, auditor, 'VehicleEntryRecorded');
    expect(recorded).toHaveLength(2);
    for (const e of recorded) expect(isSealed(e.data.features)).toBe(true);
    const [meterRecorded] = await eventsOfType(app, auditor, 'MeterReadingRecorded');
    expect(Array.isArray(meterRecorded.data.features)).toBe(true);

    const captured = await eventsOfType(app, auditor, 'TrainingExampleCaptured');
    const vectors = new Map(captured.map((e) => [e.data.sourceId as string, (e.data.diversity as { vector: unknown }).vector]));
    expect(isSealed(vectors.get(entries.KXM4721))).toBe(true);
    expect(isSealed(vectors.get(entries.BRT9058))).toBe(true);
    expect(Array.isArray(vectors.get(reading))).toBe(true);

    const meterVector = vectors.get(reading) as number[];
    const shown = await detail(`ve_${entries.KXM4721}`);
    expect(shown.status).toBe(200);
    // Opened: the same shape as a meter's vector (64 perceptual-hash bits and the text features).
    expect(shown.body.features).toHaveLength(meterVector.length);
    expect(shown.body.features?.every((x) => typeof x === 'number')).toBe(true);
    expect((await detail(`mr_${reading}`)).body.features).toEqual(meterVector);
  });

  it('after the plate is erased its example shows no vector and active learning never chooses it', async () => {
    const officer = app.token({ sub: 'p1', tenant: 'acme', roles: ['privacy_officer'] });
    expect((await call(app, 'POST', '/api/v2/privacy/erasures', { token: officer, json: { plate: 'KXM4721', reason: 'request' } })).status).toBe(201);
    const erased = await detail(`ve_${entries.KXM4721}`);
    expect(erased.body).toMatchObject({ features: null, phash: null });

    const run = await runActiveLearning(app, engineer, 10);
    expect(run.pool_size).toBe(2);
    expect(run.selected.map((s) => s.example_id).sort()).toEqual([`mr_${reading}`, `ve_${entries.BRT9058}`].sort());
  });
});

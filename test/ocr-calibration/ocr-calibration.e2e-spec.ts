import { OCR_CALIBRATIONS, OcrCalibrations } from '../../src/ports/ocr-calibrations.port';
import { CalibratedOcrEngine } from '../../src/infrastructure/ocr/calibration/calibrated-ocr.engine';
import { CalibrationMap, applyCalibration } from '../../src/ml/calibration';
import { TestApp, startTestApp } from '../support/app';
import { renderMeterPhoto, renderPlatePhoto } from '../support/photos';
import { projections, rebuildAll, snapshotReadModels, waitQuiet } from '../support/read-models';
import { auditEvents, call, photoForm } from '../readings/readings-helpers';
import { ScoredOcrEngine, correctEntry, uploadPlate } from './ocr-calibration-helpers';

jest.setTimeout(180_000);

/**
 * The shipped defaults, as `npm run eval:ocr -- --write-defaults` would write them, for the
 * scripted engine (tesseract): plates overconfident (0.95 → 0.49), meters underconfident (0.4 → 0.83).
 */
jest.mock('../../src/domain/ocr-calibration/default-calibrations.data.json', () => {
  const samples = Array.from({ length: 40 }, (_, i) => ({ score: (i + 0.5) / 40, correct: i % 4 !== 0 && i >= 13 ? 1 : 0 }));
  const shipped = (mode: string, a: number, b: number) => ({
    calibrationId: `test-dev-tesseract-${mode}`,
    engine: 'tesseract',
    engineVersion: 'scored-test-tesseract',
    mode,
    method: 'platt',
    map: { method: 'platt', a, b },
    sampleCount: samples.length,
    positives: samples.filter((s) => s.correct === 1).length,
    crossValidated: { ece: 0.08, auroc: 0.8, folds: 5 },
    samples,
  });
  return { version: 1, source: 'test', calibrations: [shipped('plate', 1, -3), shipped('meter', 1, 2)] };
});

interface CalibrationAnswer {
  calibration_id: string;
  engine: string;
  mode: string;
  method: string;
  map: CalibrationMap;
  source: string;
  in_force: boolean;
  sample_count: number;
  positives: number;
  flywheel_samples: number;
  flywheel_positives: number;
  development_samples: number;
  cross_validated: { ece: number; log_loss: number | null; auroc: number | null; folds: number };
  labels_through: { position: string; at: string } | null;
  fitted_by: string;
  created?: boolean;
  position: string;
}

const MIN_LABELS = 12;
const calibrated = (map: CalibrationMap, score: number) => Math.round(applyCalibration(map, score) * 1000) / 1000;

describe('OCR calibration: shipped default, capture on calibrated confidence, fit from the flywheel', () => {
  const scored = new ScoredOcrEngine('tesseract');
  let app: TestApp;
  let guard: string;
  let labeler: string;
  let engineer: string;
  let auditor: string;
  let ops: string;
  // The app's own calibrations, read per photo: overrides are not wrapped by the infrastructure module.
  const inForce: OcrCalibrations = { current: (engine, mode) => app.app.get<OcrCalibrations>(OCR_CALIBRATIONS).current(engine, mode) };
  const fitted = () => auditEvents(app, auditor, 'OcrCalibrationFitted');
  let photoSeq = 0;
  const platePhoto = async (score: number, text: string) => {
    const photo = await renderPlatePhoto(`QX${String(1000 + photoSeq++)}`);
    scored.script(photo, text, score);
    return photo;
  };

  beforeAll(async () => {
    app = await startTestApp({ ocrEngine: new CalibratedOcrEngine(scored, inForce), env: { OCR_CALIBRATION_MIN_LABELS: String(MIN_LABELS), CAPTURE_CONFIDENCE_THRESHOLD: '0.7' } });
    guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    labeler = app.token({ sub: 'l1', tenant: 'acme', roles: ['labeler'] });
    engineer = app.token({ sub: 'eng1', tenant: 'acme', roles: ['ml_engineer'] });
    auditor = app.token({ sub: 'a1', tenant: 'acme', roles: ['auditor'] });
    ops = app.token({ sub: 'o1', tenant: 'acme', roles: ['ops'] });
  });
  afterAll(() => app.close());

  it('given shipped defaults, when the server starts (and restarts), then each is recorded once as OcrCalibrationFitted from the development set', async () => {
    const first = await fitted();
    expect(first.map((e) => [e.stream, e.data.calibrationId, e.data.source])).toEqual(
      expect.arrayContaining([
        ['ocr_calibration-tesseract_plate', 'test-dev-tesseract-plate', 'development_set'],
        ['ocr_calibration-tesseract_meter', 'test-dev-tesseract-meter', 'development_set'],
      ]),
    );
    expect(first).toHaveLength(2);
    expect(first[0].data).toMatchObject({ sampleCount: 40, developmentSamples: 40, flywheelSamples: 0, labelsThrough: null, fittedBy: 'system:shipped-calibrations' });
    expect((first[0].data.crossValidated as { logLoss: number }).logLoss).toBeGreaterThan(0);

    await app.restart();
    expect(await fitted()).toHaveLength(2);
    const list = await call<{ current: CalibrationAnswer[] }>(app, 'GET', '/api/v2/ocr/calibrations?min_position=1', { token: engineer });
    expect(list.status).toBe(200);
    expect(list.body.current.map((c) => c.calibration_id)).toEqual(['test-dev-tesseract-meter', 'test-dev-tesseract-plate']);
  });

  it('given a plate scored 0.95 by the engine but calibrated below 0.7, then it is captured for training; a meter scored 0.4 but calibrated above 0.7 is not', async () => {
    const plate = await uploadPlate(app, guard, await platePhoto(0.95, 'QX9001'));
    expect(plate.confidence).toBe(calibrated({ method: 'platt', a: 1, b: -3 }, 0.95));
    expect(plate.confidence).toBeLessThan(0.7);
    expect(plate.captured_for_training).toBe(true);

    const meterPhoto = await renderMeterPhoto('0042.5');
    scored.script(meterPhoto, '0042.5', 0.4);
    const meter = await call<{ reading_id: string; confidence: number; captured_for_training: boolean; position: string }>(app, 'POST', '/api/v2/meter-readings', {
      token: guard,
      form: photoForm({ asset_id: 'meter-1' }, meterPhoto),
    });
    expect(meter.status).toBe(201);
    expect(meter.body.confidence).toBe(calibrated({ method: 'platt', a: 1, b: 2 }, 0.4));
    expect(meter.body.confidence).toBeGreaterThanOrEqual(0.7);
    expect(meter.body.captured_for_training).toBe(false);

    // The reading explains itself: the engine's score and the calibration that made it the confidence.
    const record = await call(app, 'GET', `/api/v2/vehicle-entries/${plate.entry_id}?min_position=${meter.body.position}`, { token: guard });
    expect(record.body).toMatchObject({ confidence: plate.confidence, score: 0.95, calibration_id: 'test-dev-tesseract-plate', engine_name: 'tesseract', captured_for_training: true });
    const recorded = (await auditEvents(app, auditor, 'VehicleEntryRecorded')).find((e) => e.data.entryId === plate.entry_id);
    expect(recorded?.data).toMatchObject({ score: 0.95, calibrationId: 'test-dev-tesseract-plate', engineName: 'tesseract', capturedForTraining: true });
  });

  it('rejects bad bodies (400), missing tokens (401) and other roles (403), appending nothing', async () => {
    const before = (await fitted()).length;
    const fit = (json: unknown, token?: string) => call<{ message: string }>(app, 'POST', '/api/v2/ocr/calibrations/fit', { token, json });
    const badEngine = await fit({ engine: 'easyocr', mode: 'plate' }, engineer);
    expect(badEngine.status).toBe(400);
    expect(badEngine.body.message).toMatch(/engine must be one of paddle, tesseract, ensemble/);
    expect((await fit({ engine: 'paddle', mode: 'barcode' }, engineer)).status).toBe(400);
    expect((await fit({ engine: 'paddle' }, engineer)).status).toBe(400);
    expect((await fit({ engine: 'paddle', mode: 'plate', tenant: 'acme' }, engineer)).status).toBe(400);
    expect((await fit({ engine: 'paddle', mode: 'plate' })).status).toBe(401);
    for (const token of [guard, labeler, auditor, ops]) expect((await fit({ engine: 'paddle', mode: 'plate' }, token)).status).toBe(403);
    expect((await call(app, 'GET', '/api/v2/ocr/calibrations', { token: guard })).status).toBe(403);
    expect((await call(app, 'GET', '/api/v2/ocr/calibrations/unknown-calibration', { token: engineer })).status).toBe(404);
    expect((await call(app, 'GET', '/api/v2/ocr/calibrations?engine=easyocr', { token: engineer })).status).toBe(400);
    expect((await fitted()).length).toBe(before);
  });

  it('given fewer labels than OCR_CALIBRATION_MIN_LABELS, when fitting, then 422 naming the counts and nothing appended', async () => {
    const before = (await fitted()).length;
    for (const [score, right] of [[0.9, true], [0.85, false], [0.97, false]] as const) {
      const entry = await uploadPlate(app, guard, await platePhoto(score, 'QX5555'));
      await correctEntry(app, labeler, entry.entry_id, right ? 'QX5555' : 'QX5556');
    }
    const res = await call<{ message: string; details?: Record<string, unknown> }>(app, 'POST', '/api/v2/ocr/calibrations/fit', { token: engineer, json: { engine: 'tesseract', mode: 'plate' } });
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(new RegExp(`3 labeled \\(1 right, 2 wrong\\); at least ${MIN_LABELS}`));
    expect((await fitted()).length).toBe(before);
  });

  it('given enough labels, when fitting, then OcrCalibrationFitted with the counts, the calibration in force at once, and new readings record it', async () => {
    // An overconfident engine: above 0.9 it is right only every other time.
    for (let i = 0; i < 14; i += 1) {
      const score = 0.8 + i * 0.014;
      const entry = await uploadPlate(app, guard, await platePhoto(score, `QX${6000 + i}`));
      await correctEntry(app, labeler, entry.entry_id, i % 2 === 0 || score < 0.86 ? ` qx-${6000 + i} ` : `QX${7000 + i}`);
    }
    const before = (await fitted()).length;
    const res = await call<CalibrationAnswer>(app, 'POST', '/api/v2/ocr/calibrations/fit', { token: engineer, json: { engine: 'tesseract', mode: 'plate' } });
    expect(res.status).toBe(201);
    const fit = res.body;
    expect(fit).toMatchObject({ engine: 'tesseract', mode: 'plate', source: 'flywheel', in_force: true, created: true, flywheel_samples: 17, development_samples: 40, sample_count: 57, fitted_by: 'eng1' });
    expect(fit.calibration_id).toMatch(/^ocrcal_tesseract_plate_[0-9a-f]{12}$/);
    expect(fit.flywheel_positives).toBe(1 + 14 - 5);
    expect(fit.labels_through?.position).toMatch(/^\d+$/);
    expect(fit.cross_validated.folds).toBe(5);

    const events = await fitted();
    expect(events).toHaveLength(before + 1);
    const event = events.find((e) => e.data.calibrationId === fit.calibration_id);
    expect(event?.stream).toBe('ocr_calibration-tesseract_plate');
    expect(event?.data).toMatchObject({ source: 'flywheel', flywheelSamples: 17, developmentSamples: 40, sampleCount: 57, positives: fit.positives, map: fit.map });

    expect(inForce.current('tesseract', 'plate')?.id).toBe(fit.calibration_id);
    expect(inForce.current('tesseract', 'meter')?.id).toBe('test-dev-tesseract-meter');

    const next = await uploadPlate(app, guard, await platePhoto(0.93, 'QX8888'));
    expect(next.confidence).toBe(calibrated(fit.map, 0.93));
    expect(next.confidence).not.toBe(calibrated({ method: 'platt', a: 1, b: -3 }, 0.93));
    const recorded = (await auditEvents(app, auditor, 'VehicleEntryRecorded')).find((e) => e.data.entryId === next.entry_id);
    expect(recorded?.data).toMatchObject({ calibrationId: fit.calibration_id, score: 0.93, confidence: next.confidence });

    const one = await call<CalibrationAnswer>(app, 'GET', `/api/v2/ocr/calibrations/${fit.calibration_id}?min_position=${fit.position}`, { token: auditor });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ calibration_id: fit.calibration_id, in_force: true, flywheel_samples: 17 });
    const list = await call<{ current: CalibrationAnswer[]; items: CalibrationAnswer[] }>(app, 'GET', `/api/v2/ocr/calibrations?mode=plate&min_position=${fit.position}`, { token: ops });
    expect(list.body.current.map((c) => c.calibration_id)).toEqual([fit.calibration_id]);
    expect(list.body.items.map((c) => [c.calibration_id, c.in_force])).toEqual([
      [fit.calibration_id, true],
      ['test-dev-tesseract-plate', false],
    ]);
  });

  it('given no new label since the last fit, when fitting again, then the same calibration is answered and nothing appended', async () => {
    const before = (await fitted()).length;
    const again = await call<CalibrationAnswer>(app, 'POST', '/api/v2/ocr/calibrations/fit', { token: engineer, json: { engine: 'tesseract', mode: 'plate' } });
    expect(again.status).toBe(201);
    expect(again.body.created).toBe(false);
    expect(again.body.calibration_id).toBe(inForce.current('tesseract', 'plate')?.id);
    expect((await fitted()).length).toBe(before);
  });

  it('given a flywheel fit, when the server restarts, then that fit stays in force and the shipped default is not recorded again', async () => {
    const id = inForce.current('tesseract', 'plate')?.id;
    const before = (await fitted()).length;
    await app.restart();
    expect(inForce.current('tesseract', 'plate')?.id).toBe(id);
    expect(inForce.current('tesseract', 'meter')?.id).toBe('test-dev-tesseract-meter');
    expect((await fitted()).length).toBe(before);
  });

  it('the ground-truth and calibration read models equal a rebuild from the log', async () => {
    await waitQuiet(app.baseUrl, ops);
    const mine = (snapshot: Record<string, unknown>) => Object.fromEntries(Object.entries(snapshot).filter(([k]) => k.startsWith('ocr-') || k.startsWith('readings/')));
    const before = mine(snapshotReadModels(app.dataDir, await projections(app.baseUrl, ops)));
    expect(Object.keys(before).sort()).toEqual(['ocr-calibrations/ocr_calibrations', 'ocr-calibrations/ocr_calibrations_current', 'ocr-ground-truth/ocr_ground_truth', 'readings/readings_corrections', 'readings/readings_records']);
    expect(Object.values(before['ocr-ground-truth/ocr_ground_truth'] as Record<string, { labeled: boolean }>).filter((d) => d.labeled)).toHaveLength(17);
    await rebuildAll(app.baseUrl, ops);
    expect(mine(snapshotReadModels(app.dataDir, await projections(app.baseUrl, ops)))).toEqual(before);
  });
});

import { DAY_MS, HOUR_MS, ManualClock } from '../../src/domain/shared/clock';
import { exportConflictModelToOnnx } from '../../src/ml/onnx-export';
import { rocAuc } from '../../src/ml/metrics';
import { conflictModelPredictor } from '../../src/ml/train-conflict-model';
import { parseTrainingCsv } from '../../src/commands/models/training-data-csv';
import { RetrainingService } from '../../src/commands/models/retraining.service';
import { TestApp, startTestApp } from '../support/app';
import { client } from '../sync/http-client';
import { ModelActivated, ModelActivationRejected, ModelEvaluated, ModelTrained } from '../../src/domain/models/model.events';
import { AuditEvent, modelStream, trainingCsv, uploadModel } from './support/model-api';
import { planHistory, seedHistory } from './support/sync-history';

jest.setTimeout(180_000);

const MONDAY_1 = '2026-03-02T03:00:00.000Z';
const MONDAY_2 = '2026-03-09T03:00:00.000Z';

interface Retrained {
  version: string;
  decision: string;
  reason: string;
  failures: { rule: string; reason: string }[];
  position: string;
}
interface VersionBody {
  version: string;
  status: string;
  scaler: { mean: number[]; scale: number[] };
  coefficients: number[];
  intercept: number;
  metrics: Record<string, number>;
  timings: Record<string, number>;
  position: string;
}

describe('weekly retraining saga (e2e)', () => {
  const clock = new ManualClock(MONDAY_1);
  let app: TestApp;
  const engineer = () => client(() => app.baseUrl, app.token({ sub: 'eng-1', tenant: 'acme', roles: ['ml_engineer'] }));
  const ops = () => client(() => app.baseUrl, app.token({ sub: 'ops-1', tenant: 'acme', roles: ['ops', 'auditor'] }));
  const stream = () => modelStream(app);
  const history = (seed: string, fromMs: number, toMs: number) => planHistory({ seed, users: 15, fromMs, toMs, shortConflict: 0.55, longConflict: 0.12, prefix: seed });

  beforeAll(async () => {
    app = await startTestApp({ clock });
  });
  afterAll(async () => app.close());

  let firstVersion = '';

  it('a clearly better candidate is evaluated against heuristic_v1 on its holdout and activated', async () => {
    const position = await seedHistory(app, history('a', Date.parse(MONDAY_1) - 21 * DAY_MS, Date.parse(MONDAY_1) - HOUR_MS));
    await ops().get(`/api/v2/ml/models?min_position=${position}`);

    const res = await ops().post<Retrained>('/api/v2/ml/models/retrain', { model_type: 'conflict_predictor' });
    expect(res.status).toBe(201);
    expect(res.body.decision).toBe('activated');
    expect(res.body.reason).toMatch(/^auto-activated: test ROC-AUC 0\.\d{4} vs 0\.\d{4} for heuristic_v1 \(\+\d+\.\d% relative\) > 5\.0%$/);
    firstVersion = res.body.version;
    expect(firstVersion).toBe('v20260302_030000');

    const events = await stream();
    expect(events.map((e) => e.type)).toEqual(['ModelTrained', 'ModelEvaluated', 'ModelActivated']);
    const [trained, evaluated, activated] = events as [AuditEvent<ModelTrained['data']>, AuditEvent<ModelEvaluated['data']>, AuditEvent<ModelActivated['data']>];
    expect(trained.metadata.actorId).toBe('saga:retraining');
    expect(trained.data).toMatchObject({ trigger: 'retraining', trainingWindow: { daysBack: 90 } });
    // Both scored on the same holdout: the candidate's own newest 20%.
    expect(evaluated.data.holdoutRowsBlobHash).toBe(trained.data.trainingRowsBlobHash);
    expect(evaluated.data.candidate.version).toBe(firstVersion);
    expect(evaluated.data.baseline).toMatchObject({ version: 'heuristic_v1', activeVersion: null });
    expect(evaluated.data.candidate.metrics.samples).toBe(evaluated.data.baseline.metrics.samples);
    expect(evaluated.data.candidate.metrics.positives).toBe(evaluated.data.baseline.metrics.positives);
    expect(evaluated.data.candidate.metrics.roc_auc).toBeGreaterThan((evaluated.data.baseline.metrics.roc_auc ?? 1) * 1.05);
    expect(activated.data).toMatchObject({ version: firstVersion, activatedBy: 'saga:retraining', cause: 'auto', previousVersion: null });
    // DeLong's paired test on the same holdout, recorded beside the metrics (snake_case as stored).
    const delong = evaluated.data.delong;
    if (!delong) throw new Error('the evaluation recorded no DeLong test');
    expect(delong.auc_difference).toBeCloseTo((evaluated.data.candidate.metrics.roc_auc ?? 0) - (evaluated.data.baseline.metrics.roc_auc ?? 0), 12);
    expect(delong.standard_error).toBeGreaterThan(0);
    expect(delong.ci95[0]).toBeCloseTo(delong.auc_difference - 1.959963984540054 * delong.standard_error, 12);
    expect(delong.p_value).toBeGreaterThanOrEqual(0);
    expect(delong.p_value).toBeLessThan(0.5);
    console.log(`retraining run 1 (vs heuristic_v1): DeLong ${JSON.stringify(delong)}`);

    const csv = (await trainingCsv(app, firstVersion)).text;
    expect(parseTrainingCsv(csv).filter((r) => r.split === 'test')).toHaveLength(evaluated.data.candidate.metrics.samples);

    const pointer = await ops().get(`/api/v2/ml/models/active?model_type=conflict_predictor&min_position=${res.body.position}`);
    expect(pointer.body).toMatchObject({ version: firstVersion, activated_by: 'saga:retraining', reason: res.body.reason });

    // The same run again (a second instance, a crash and retry) appends nothing.
    const again = await app.app.get(RetrainingService).retrain('conflict_predictor', clock.now());
    expect(again).toMatchObject({ decision: 'activated', repeated: true, reason: res.body.reason });
    expect(again.version).toBe(firstVersion);
    expect(await stream()).toHaveLength(3);
  });

  it('a marginally better candidate (+3%) is evaluated on the same holdout and rejected with the reason', async () => {
    clock.set(MONDAY_2);
    const position = await seedHistory(app, history('b', Date.parse(MONDAY_1) - HOUR_MS, Date.parse(MONDAY_2) - HOUR_MS));
    await ops().get(`/api/v2/ml/models?min_position=${position}`);

    // A manual training on the same window finds what the retraining will: its parameters and holdout.
    const started = Date.now();
    const manual = await engineer().post<VersionBody>('/api/v2/ml/models/train', { model_type: 'conflict_predictor' });
    expect(manual.status).toBe(201);
    console.log(`POST /train on ${manual.body.metrics.train_samples + manual.body.metrics.test_samples} seeded rows: ${Date.now() - started} ms over HTTP; timings ${JSON.stringify(manual.body.timings)}`);
    expect(manual.body.status).toBe('candidate');
    const rows = parseTrainingCsv((await trainingCsv(app, manual.body.version)).text);
    const holdout = rows.filter((r) => r.split === 'test');
    const labels = holdout.map((r) => r.label);
    const auc = (coefficients: number[]) => rocAuc(conflictModelPredictor({ ...manual.body, coefficients })(holdout.map((r) => r.features)), labels) ?? 0;
    const best = auc(manual.body.coefficients);

    // Active model: the same regression with its coefficients tilted until it ranks the holdout ~3% worse.
    const tilt = manual.body.coefficients.map((_, j) => (j % 2 === 0 ? 1 : -1));
    let coefficients = manual.body.coefficients;
    for (let step = 1; step <= 400 && auc(coefficients) > best / 1.03; step++) coefficients = manual.body.coefficients.map((c, j) => c + step * 0.01 * tilt[j]);
    const onnx = exportConflictModelToOnnx({ scaler: manual.body.scaler, coefficients, intercept: manual.body.intercept });
    const uploaded = await uploadModel(app, onnx);
    expect(uploaded.status).toBe(201);
    const activeVersion = uploaded.body.version;
    expect((await engineer().post(`/api/v2/ml/models/${activeVersion}/activate`, { reason: 'outside model for the comparison' })).status).toBe(200);
    const before = (await stream()).length;

    const res = await ops().post<Retrained>('/api/v2/ml/models/retrain', {});
    expect(res.status).toBe(201);
    expect(res.body.decision).toBe('rejected');
    expect(res.body.failures).toEqual([{ rule: 'roc_auc_improvement', reason: expect.stringMatching(/\(\+[1-4]\.\d% relative\) is not more than the required 5\.0%$/) }]);

    const events = (await stream()).slice(before);
    expect(events.map((e) => e.type)).toEqual(['ModelTrained', 'ModelEvaluated', 'ModelActivationRejected']);
    const [trained, evaluated, rejected] = events as [AuditEvent<ModelTrained['data']>, AuditEvent<ModelEvaluated['data']>, AuditEvent<ModelActivationRejected['data']>];
    expect(trained.data.trainingRowsBlobHash).toBe(evaluated.data.holdoutRowsBlobHash);
    expect(evaluated.data.baseline).toMatchObject({ version: activeVersion, activeVersion });
    expect(evaluated.data.candidate.metrics.samples).toBe(holdout.length);
    expect(evaluated.data.baseline.metrics.samples).toBe(holdout.length);
    const [candidateAuc, activeAuc] = [evaluated.data.candidate.metrics.roc_auc ?? 0, evaluated.data.baseline.metrics.roc_auc ?? 1];
    const gain = (candidateAuc - activeAuc) / activeAuc;
    console.log(`marginal candidate: ROC-AUC ${candidateAuc} vs ${activeAuc} (${(gain * 100).toFixed(2)}% relative)`);
    expect(gain).toBeGreaterThan(0.01);
    expect(gain).toBeLessThan(0.05);
    expect(evaluated.data.delong?.auc_difference).toBeCloseTo(candidateAuc - activeAuc, 12);
    console.log(`retraining run 2 (vs ${activeVersion}): DeLong ${JSON.stringify(evaluated.data.delong)}`);
    expect(rejected.data).toMatchObject({ version: res.body.version, activeVersion, rejectedBy: 'saga:retraining' });

    // Nothing changed for serving; the list shows the verdict.
    const pointer = await ops().get(`/api/v2/ml/models/active?min_position=${res.body.position}`);
    expect(pointer.body).toMatchObject({ version: activeVersion, activated_by: 'eng-1' });
    const list = await ops().get<{ items: { version: string; status: string }[] }>('/api/v2/ml/models?model_type=conflict_predictor');
    expect(list.body.items.map((m) => [m.version, m.status])).toEqual([
      [res.body.version, 'rejected'],
      [activeVersion, 'active'],
      [manual.body.version, 'candidate'],
      [firstVersion, 'inactive'],
    ]);
    const hist = await ops().get<{ items: { type: string; version: string; failures?: unknown }[] }>('/api/v2/ml/models/history');
    expect(hist.body.items.map((h) => h.type)).toEqual(['ModelEvaluated', 'ModelActivated', 'ModelDeactivated', 'ModelActivated', 'ModelEvaluated', 'ModelActivationRejected']);
  });
});

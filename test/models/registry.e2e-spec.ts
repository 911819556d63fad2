import { ModelActivated, ModelDeactivated, ModelEvent } from '../../src/domain/models/model.events';
import { foldRegistry } from '../../src/domain/models/model-registry.decider';
import { DAY_MS, HOUR_MS, ManualClock } from '../../src/domain/shared/clock';
import { heuristicProbability } from '../../src/ml/conflict-features';
import { exportConflictModelToOnnx } from '../../src/ml/onnx-export';
import { conflictModelPredictor } from '../../src/ml/train-conflict-model';
import { TRAINING_DATA_HEADER, parseTrainingCsv } from '../../src/commands/models/training-data-csv';
import { TestApp, startTestApp } from '../support/app';
import { corruptBlob } from '../support/test-stores';
import { client } from '../sync/http-client';
import { AuditEvent, modelStream, trainingCsv, uploadModel } from './support/model-api';
import { planHistory, seedHistory } from './support/sync-history';

jest.setTimeout(120_000);

const T0 = '2026-03-02T09:00:00.000Z';

interface VersionBody {
  model_type: string;
  version: string;
  status: string;
  kind: string;
  metrics: Record<string, number>;
  feature_names: string[];
  scaler: { mean: number[]; scale: number[] };
  coefficients: number[];
  intercept: number;
  row_count: number;
  model_blob_hash: string;
  position: string;
}
interface ActionBody {
  version: string;
  active: boolean;
  changed: boolean;
  position: string;
}
interface PredictionBody {
  probability: number;
  model_version: string;
  features_used: Record<string, number>;
}

describe('model registry (e2e)', () => {
  const clock = new ManualClock(T0);
  let app: TestApp;
  const as = (roles: string[], sub = 'eng-1') => client(() => app.baseUrl, app.token({ sub, tenant: 'acme', roles }));
  const engineer = () => as(['ml_engineer']);
  const plan = planHistory({ seed: 'registry', users: 12, fromMs: Date.parse(T0) - 20 * DAY_MS, toMs: Date.parse(T0) - 2 * HOUR_MS, shortConflict: 0.55, longConflict: 0.12, prefix: 'r' });
  const versions: string[] = [];
  const at: Record<string, string> = {};

  beforeAll(async () => {
    app = await startTestApp({ clock, env: { MAX_UPLOAD_MB: '1' } });
  });
  afterAll(async () => app.close());

  it('lets ml_engineer manage, ops and auditor read, and nobody else', async () => {
    expect((await as(['guard']).get('/api/v2/ml/models?model_type=conflict_predictor')).status).toBe(403);
    expect((await as(['ops']).get('/api/v2/ml/models?model_type=conflict_predictor')).status).toBe(200);
    expect((await as(['auditor']).get('/api/v2/ml/models/active?model_type=conflict_predictor')).body).toEqual(
      expect.objectContaining({ model_type: 'conflict_predictor', version: null, activated_at: null, activated_by: null, reason: null }),
    );
    expect((await as(['ops']).post('/api/v2/ml/models/train', { model_type: 'conflict_predictor' })).status).toBe(403);
    expect((await engineer().post('/api/v2/ml/models/train', { model_type: 'nope' })).status).toBe(400);
    expect((await engineer().post('/api/v2/ml/models/train', { model_type: 'conflict_predictor', days_back: 0 })).status).toBe(400);
  });

  it('refuses to train on too few rows or a single class with 422 saying why, appending nothing', async () => {
    const none = await engineer().post<{ message: string }>('/api/v2/ml/models/train', { model_type: 'conflict_predictor' });
    expect(none.status).toBe(422);
    expect(none.body.message).toMatch(/need at least 100 labelled syncs to train, got 0/);

    const position = await seedHistory(app, plan, { conflicts: false });
    await engineer().get(`/api/v2/ml/models?min_position=${position}`);
    const oneClass = await engineer().post<{ message: string }>('/api/v2/ml/models/train', { model_type: 'conflict_predictor' });
    expect(oneClass.status).toBe(422);
    expect(oneClass.body.message).toMatch(/^all \d+ labelled syncs are clean \(label 0\); need both classes to train$/);
    expect(await modelStream(app)).toEqual([]);
  });

  it('trains a version with metrics that never activates itself; two in one second get a suffix', async () => {
    const position = await seedHistory(app, plan, { syncs: false });
    await engineer().get(`/api/v2/ml/models?min_position=${position}`);
    const [a, b] = [await engineer().post<VersionBody>('/api/v2/ml/models/train', { model_type: 'conflict_predictor' }), await engineer().post<VersionBody>('/api/v2/ml/models/train', { model_type: 'conflict_predictor', days_back: 90 })];
    expect([a.status, b.status]).toEqual([201, 201]);
    expect([a.body.version, b.body.version]).toEqual(['v20260302_090000', 'v20260302_090000_2']);
    expect(a.body).toMatchObject({ model_type: 'conflict_predictor', status: 'candidate', kind: 'trained', feature_names: TRAINING_DATA_HEADER.slice(2, 7) });
    expect(a.body.metrics.train_roc_auc).toBeGreaterThan(0.6);
    expect(a.body.metrics.test_roc_auc).toBeGreaterThan(0.6);
    expect(a.body.metrics.train_samples + a.body.metrics.test_samples).toBe(a.body.row_count);
    versions.push(a.body.version, b.body.version);
    clock.advance(60_000);
    versions.push((await engineer().post<VersionBody>('/api/v2/ml/models/train', { model_type: 'conflict_predictor' })).body.version);
    expect(versions[2]).toBe('v20260302_090100');

    const active = await engineer().get(`/api/v2/ml/models/active?min_position=${b.body.position}`);
    expect(active.body.version).toBeNull();
    const detail = await as(['auditor']).get<VersionBody>(`/api/v2/ml/models/${a.body.version}`);
    expect(detail.body).toMatchObject({ version: a.body.version, scaler: a.body.scaler, coefficients: a.body.coefficients, intercept: a.body.intercept, metrics: a.body.metrics });
    expect(detail.body.scaler.mean).toHaveLength(5);
    expect((await engineer().get('/api/v2/ml/models/v20990101_000000')).status).toBe(404);

    const csv = await trainingCsv(app, a.body.version);
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('sync_id,synced_at,concurrent_editors,hours_since_last_sync,user_conflict_rate,entity_edit_frequency,field_overlap_score,label,split');
    const rows = parseTrainingCsv(csv.text);
    expect(rows).toHaveLength(a.body.row_count);
    expect(rows.filter((r) => r.split === 'test')).toHaveLength(a.body.metrics.test_samples);
    // No tenant or user columns: models are platform-wide.
    expect(csv.text).not.toMatch(/acme/);
    expect(lines.every((l) => l.split(',').length === 9)).toBe(true);
    const conflicted = new Set(plan.filter((s) => s.conflict).map((s) => s.syncId));
    expect(rows.every((r) => r.label === (conflicted.has(r.syncId) ? 1 : 0))).toBe(true);
  });

  it('activates with 200, serves the ONNX model with the TypeScript model’s probabilities to 1e-5, and repeats as a no-op', async () => {
    const version = versions[0];
    const before = (await modelStream(app)).length;
    at.beforeActivation = clock.now().toISOString();
    clock.advance(60_000);
    at.activation = clock.now().toISOString();
    const res = await engineer().post<ActionBody>(`/api/v2/ml/models/${version}/activate`, { reason: 'best test ROC-AUC' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version, active: true, changed: true });
    const again = await engineer().post<ActionBody>(`/api/v2/ml/models/${version}/activate`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ active: true, changed: false });
    expect((await modelStream(app)).length).toBe(before + 1);
    expect((await as(['ops']).get(`/api/v2/ml/models/active?min_position=${res.body.position}`)).body).toEqual(
      expect.objectContaining({ version, activated_at: at.activation, activated_by: 'eng-1', reason: 'best test ROC-AUC' }),
    );

    const detail = (await engineer().get<VersionBody>(`/api/v2/ml/models/${version}`)).body;
    const typescript = conflictModelPredictor(detail);
    for (const [user, entity] of [['user1', 'e-user1'], ['user2', 'e-user5'], ['newcomer', 'e-new']]) {
      const p = await as(['guard'], user).post<PredictionBody>('/api/v2/ml/conflict-predictions', { entity_type: 'meter', entity_id: entity, device_id: 'd', fields: ['value'] });
      expect(p.status).toBe(201);
      expect(p.body.model_version).toBe(version);
      const f = p.body.features_used;
      const [expected] = typescript([[f.concurrent_editors, f.hours_since_last_sync, f.user_conflict_rate, f.entity_edit_frequency, f.field_overlap_score]]);
      expect(Math.abs(p.body.probability - expected)).toBeLessThan(1e-5);
    }
  });

  it('racing activations of two versions leave exactly one active, on every prefix of the stream', async () => {
    clock.advance(60_000);
    const [x, y] = await Promise.all([engineer().post<ActionBody>(`/api/v2/ml/models/${versions[1]}/activate`), engineer().post<ActionBody>(`/api/v2/ml/models/${versions[2]}/activate`)]);
    expect([x.status, y.status]).toEqual([200, 200]);
    const events = (await modelStream(app)) as AuditEvent<ModelEvent['data']>[];
    // Platform-wide: no tenant on registry events, but always the actor.
    expect(events.every((e) => e.metadata.tenantId === null && e.metadata.actorId === 'eng-1')).toBe(true);
    let active: string | null = null;
    events.forEach((e, i) => {
      if (e.type === 'ModelDeactivated') {
        expect((e.data as ModelDeactivated['data']).version).toBe(active);
        active = null;
      }
      if (e.type === 'ModelActivated') {
        // Never two active: whatever was active was deactivated in the same append, just before.
        expect(active).toBeNull();
        const previous = events[i - 1];
        const replaced = previous?.type === 'ModelDeactivated' && previous.metadata.correlationId === e.metadata.correlationId ? (previous.data as ModelDeactivated['data']).version : null;
        expect((e.data as ModelActivated['data']).previousVersion).toBe(replaced);
        active = (e.data as ModelActivated['data']).version;
      }
    });
    const state = foldRegistry(events as unknown as ModelEvent[]);
    expect([versions[1], versions[2]]).toContain(state.active?.version);
    expect(state.active?.version).toBe(active);
    const lastTwo = events.filter((e) => e.type === 'ModelActivated').slice(-2).map((e) => (e.data as ModelActivated['data']).version);
    expect(lastTwo.sort()).toEqual([versions[1], versions[2]].sort());
    const list = await engineer().get<{ items: { version: string; status: string }[] }>(`/api/v2/ml/models?min_position=${Math.max(Number(x.body.position), Number(y.body.position))}`);
    expect(list.body.items.filter((m) => m.status === 'active').map((m) => m.version)).toEqual([active]);
  });

  it('deactivates with 200 (then heuristic_v1 serves); deactivating again appends nothing', async () => {
    const current = foldRegistry((await modelStream(app)) as unknown as ModelEvent[]).active?.version as string;
    clock.advance(60_000);
    at.deactivation = clock.now().toISOString();
    const res = await engineer().post<ActionBody>(`/api/v2/ml/models/${current}/deactivate`, { reason: 'investigating' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: false, changed: true });
    const again = await engineer().post<ActionBody>(`/api/v2/ml/models/${current}/deactivate`);
    expect(again.body.changed).toBe(false);
    expect((await engineer().get(`/api/v2/ml/models/active?min_position=${res.body.position}`)).body.version).toBeNull();
    const p = await as(['guard'], 'user1').post<PredictionBody>('/api/v2/ml/conflict-predictions', { entity_type: 'meter', entity_id: 'e-user1', device_id: 'd', fields: ['value'] });
    expect(p.body.model_version).toBe('heuristic_v1');
    expect((await engineer().post('/api/v2/ml/models/v20990101_000000/activate')).status).toBe(404);
    clock.advance(60_000);
  });

  it('rejects an invalid upload with 422 and registers nothing; accepts a valid one', async () => {
    const before = (await modelStream(app)).length;
    const garbage = await uploadModel(app, Buffer.from('definitely not onnx'));
    expect(garbage.status).toBe(422);
    expect(garbage.body.message).toMatch(/not a loadable ONNX model/);
    const narrow = exportConflictModelToOnnx({ scaler: { mean: [0, 0, 0], scale: [1, 1, 1] }, coefficients: [1, 1, 1], intercept: 0 });
    const wrongWidth = await uploadModel(app, narrow);
    expect(wrongWidth.status).toBe(422);
    expect(wrongWidth.body.message).toMatch(/expected \[N, 5\]/);
    expect((await uploadModel(app, Buffer.alloc(1100 * 1024, 1))).status).toBe(413);
    expect((await uploadModel(app, narrow, {})).status).toBe(400);
    expect((await modelStream(app)).length).toBe(before);

    const good = exportConflictModelToOnnx({ scaler: { mean: [0, 0, 0, 0, 0], scale: [1, 1, 1, 1, 1] }, coefficients: [0.5, -0.01, 2, 0.1, 1], intercept: -1.5 });
    const ok = await uploadModel(app, good);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ kind: 'registered', status: 'candidate', version: 'v20260302_090500', scaler: null });
    versions.push(ok.body.version);
    expect((await trainingCsv(app, ok.body.version)).status).toBe(404);
  });

  it('serves heuristic_v1 with 201 when the active model blob is corrupt, and logs it', async () => {
    const version = versions[0];
    const res = await engineer().post<ActionBody>(`/api/v2/ml/models/${version}/activate`);
    expect(res.body.changed).toBe(true);
    const hash = (await engineer().get<VersionBody>(`/api/v2/ml/models/${version}?min_position=${res.body.position}`)).body.model_blob_hash;
    const restore = await corruptBlob(app, hash);
    // A restart drops the cached session: the next load reads the broken blob.
    await app.restart();
    const p = await as(['guard'], 'user1').post<PredictionBody>('/api/v2/ml/conflict-predictions', { entity_type: 'meter', entity_id: 'e-user1', device_id: 'd', fields: ['value'] });
    expect(p.status).toBe(201);
    expect(p.body.model_version).toBe('heuristic_v1');
    const f = p.body.features_used;
    expect(p.body.probability).toBeCloseTo(heuristicProbability([f.concurrent_editors, f.hours_since_last_sync, f.user_conflict_rate, f.entity_edit_frequency, f.field_overlap_score]), 12);
    await restore();
  });

  it('answers as-of from the stream: before, during and after an activation', async () => {
    const asOf = async (when: string) => (await as(['auditor']).get<Record<string, unknown>>(`/api/v2/audit/models/conflict_predictor/as-of?at=${encodeURIComponent(when)}`)).body;
    expect(await asOf(at.beforeActivation)).toMatchObject({ version: null, activated_by: null });
    expect(await asOf(at.activation)).toMatchObject({ version: versions[0], activated_at: at.activation, activated_by: 'eng-1', reason: 'best test ROC-AUC', cause: 'manual' });
    expect(await asOf(new Date(Date.parse(at.deactivation) - 1).toISOString())).toMatchObject({ version: expect.stringMatching(new RegExp(`^(${versions[1]}|${versions[2]})$`)) });
    // No model active: which event deactivated the last one, by whom and why.
    expect(await asOf(at.deactivation)).toMatchObject({
      version: null,
      last_deactivation: { version: expect.stringMatching(new RegExp(`^(${versions[1]}|${versions[2]})$`)), deactivated_by: 'eng-1', reason: 'investigating', at: at.deactivation, event_id: expect.any(String) },
    });
    expect(await asOf(at.beforeActivation)).toMatchObject({ version: null, last_deactivation: null });
    expect(await asOf(at.activation)).toMatchObject({ last_deactivation: null });
    // An unknown model type is not "no model active": 404.
    expect((await as(['auditor']).get('/api/v2/audit/models/no_such_model/as-of?at=2026-03-02T00:00:00Z')).status).toBe(404);
    expect(await asOf(clock.now().toISOString())).toMatchObject({ version: versions[0] });
    expect((await as(['ops']).get('/api/v2/audit/models/conflict_predictor/as-of?at=2026-03-02T00:00:00Z')).status).toBe(403);
    expect((await as(['auditor']).get('/api/v2/audit/models/conflict_predictor/as-of?at=yesterday')).status).toBe(400);
  });
});

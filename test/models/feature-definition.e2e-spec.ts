import { DAY_MS, HOUR_MS, ManualClock } from '../../src/domain/shared/clock';
import { exportConflictModelToOnnx } from '../../src/ml/onnx-export';
import { TestApp, startTestApp } from '../support/app';
import { client } from '../sync/http-client';
import { AuditEvent, uploadModel } from './support/model-api';

jest.setTimeout(60_000);

const T0 = '2026-07-01T12:00:00.000Z';
const NOW = Date.parse(T0);
// A model that reads only user_conflict_rate: p = sigmoid(3 × rate − 1).
const onnx = exportConflictModelToOnnx({ scaler: { mean: [0, 0, 0, 0, 0], scale: [1, 1, 1, 1, 1] }, coefficients: [0, 0, 3, 0, 0], intercept: -1 });
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

interface Prediction {
  probability: number;
  model_version: string;
  features_used: Record<string, number>;
  prediction_id: string;
}

/** Each model is served the feature definition it was trained with, not the newest one. */
describe('versioned feature definitions (e2e)', () => {
  const clock = new ManualClock(T0);
  let app: TestApp;
  const as = (roles: string[], sub = 'eng') => client(() => app.baseUrl, app.token({ sub, tenant: 'acme', roles }));
  let position = '0';

  beforeAll(async () => {
    app = await startTestApp({ clock });
    // u synced e1 just before the 30-day window (its conflict resolved inside it) and e2 inside it, clean:
    // definition 1 gives 1 conflict / 1 sync = 1, definition 2 gives 0 of 1 sync = 0.
    const guard = as(['guard'], 'u');
    const at = (ms: number) => new Date(ms).toISOString();
    expect((await guard.post('/api/v2/sync/events', { sync_id: 'e1', entity_type: 'meter', entity_id: 'a', device_id: 'd', fields: ['v'], synced_at: at(NOW - 30 * DAY_MS - HOUR_MS) })).status).toBe(201);
    expect((await guard.post('/api/v2/sync/conflicts', { sync_id: 'e1', resolution_type: 'manual', resolved_at: at(NOW - 29 * DAY_MS) })).status).toBe(201);
    const last = await guard.post<{ position: string }>('/api/v2/sync/events', { sync_id: 'e2', entity_type: 'meter', entity_id: 'b', device_id: 'd', fields: ['v'], synced_at: at(NOW - 10 * DAY_MS) });
    position = last.body.position;
  });
  afterAll(async () => app.close());

  it('answers both definitions point-in-time, the current one by default', async () => {
    const ml = as(['ml_engineer']);
    const base = `/api/v2/sync/features?user_id=u&entity_type=meter&entity_id=c&min_position=${position}`;
    const v1 = await ml.get<{ feature_definition: number; features: Record<string, number> }>(`${base}&definition=1`);
    const v2 = await ml.get<{ feature_definition: number; features: Record<string, number> }>(`${base}&definition=2`);
    const current = await ml.get<{ feature_definition: number; features: Record<string, number> }>(base);
    expect(v1.body.features.user_conflict_rate).toBe(1);
    expect(v2.body.features.user_conflict_rate).toBe(0);
    expect(current.body).toEqual(expect.objectContaining({ feature_definition: 2, features: v2.body.features }));
    expect((await ml.get(`${base}&definition=3`)).status).toBe(400);
  });

  it('serves a model registered with definition 1 the definition-1 features, and a current one the new ones', async () => {
    expect((await uploadModel(app, onnx, { model_type: 'conflict_predictor', feature_definition: '7' })).status).toBe(400);
    const old = await uploadModel(app, onnx, { model_type: 'conflict_predictor', feature_definition: '1' });
    expect(old.status).toBe(201);
    expect((await as(['ml_engineer']).post(`/api/v2/ml/models/${old.body.version}/activate`, {})).status).toBe(200);
    const p1 = await as(['guard'], 'u').post<Prediction>('/api/v2/ml/conflict-predictions', { entity_type: 'meter', entity_id: 'c', device_id: 'd' });
    expect(p1.body.model_version).toBe(old.body.version);
    expect(p1.body.features_used.user_conflict_rate).toBe(1);
    expect(p1.body.probability).toBeCloseTo(sigmoid(2), 6);

    clock.advance(2000);
    const current = await uploadModel(app, onnx);
    expect(current.status).toBe(201);
    expect((await as(['ml_engineer']).post(`/api/v2/ml/models/${current.body.version}/activate`, {})).status).toBe(200);
    const p2 = await as(['guard'], 'u').post<Prediction>('/api/v2/ml/conflict-predictions', { entity_type: 'meter', entity_id: 'c', device_id: 'd' });
    expect(p2.body.model_version).toBe(current.body.version);
    expect(p2.body.features_used.user_conflict_rate).toBe(0);
    expect(p2.body.probability).toBeCloseTo(sigmoid(-1), 6);

    // The log records which definition each prediction's features follow.
    const token = app.token({ sub: 'aud', tenant: 'acme', roles: ['auditor'] });
    const events = async (id: string) => (await client(() => app.baseUrl, token).get<{ items: AuditEvent[] }>(`/api/v2/audit/streams/prediction-${id}/events`)).body.items;
    expect((await events(p1.body.prediction_id))[0].data.featureDefinition).toBe(1);
    expect((await events(p2.body.prediction_id))[0].data.featureDefinition).toBe(2);
  });
});

import { TestApp, startTestApp } from '../support/app';

jest.setTimeout(300_000);

type Role = 'guard' | 'labeler' | 'ml_engineer' | 'auditor' | 'ops';
const ROLES: readonly Role[] = ['guard', 'labeler', 'ml_engineer', 'auditor', 'ops'];
const PUBLIC = 'public';

/**
 * The role matrix, copied by hand from the REST contract (its sections name the roles of each
 * operation), never read from the code: a test that read the code's own table could not fail.
 * Operations the contract lists without roles take their section's roles; the few operations the
 * contract does not list (ops and engineering tools) carry the roles the README documents.
 */
const MATRIX: Record<string, readonly Role[] | typeof PUBLIC> = {
  // Capture (role guard); settings (ops)
  'POST /api/v2/meter-readings': ['guard'],
  'POST /api/v2/vehicle-entries': ['guard'],
  'PUT /api/v2/ocr/plate-formats': ['ops'],
  'GET /api/v2/ocr/plate-formats': ['ops'],
  'PUT /api/v2/assets/{asset_id}/counter': ['ops'],
  'POST /api/v2/assets/{asset_id}/replaced': ['ops'],
  'GET /api/v2/meter-readings/{id}': ['guard', 'labeler', 'ml_engineer'],
  'GET /api/v2/vehicle-entries/{id}': ['guard', 'labeler', 'ml_engineer'],
  // Training data
  'POST /api/v2/ml-training/corrections': ['guard', 'labeler'],
  'GET /api/v2/ml-training/examples': ['labeler', 'ml_engineer'],
  'GET /api/v2/ml-training/examples/{id}': ['labeler', 'ml_engineer'],
  'GET /api/v2/ml-training/examples/{id}/image': ['labeler', 'ml_engineer'],
  'GET /api/v2/ml-training/labeling-backlog': ['labeler'],
  'POST /api/v2/ml-training/labeling-tasks/{id}/claim': ['labeler'],
  'POST /api/v2/ml-training/labeling-tasks/{id}/submit': ['labeler'],
  'POST /api/v2/ml-training/labeling-tasks/{id}/skip': ['labeler'],
  'POST /api/v2/ml-training/labeling-tasks/{id}/release': ['labeler'],
  'POST /api/v2/ml-training/active-learning/run': ['ml_engineer', 'ops'],
  'GET /api/v2/ml-training/metrics': ['ops', 'ml_engineer'],
  'POST /api/v2/ml-training/datasets': ['ml_engineer'],
  'GET /api/v2/ml-training/datasets': ['ml_engineer'],
  'GET /api/v2/ml-training/datasets/{id}': ['ml_engineer'],
  'GET /api/v2/ml-training/datasets/{id}/export': ['ml_engineer'],
  // Sync and conflicts (role guard)
  'POST /api/v2/sync/events': ['guard'],
  'POST /api/v2/sync/conflicts': ['guard'],
  'GET /api/v2/sync/features': ['ml_engineer', 'ops', 'auditor'],
  // Predictions and models
  'POST /api/v2/ml/conflict-predictions': ['guard', 'ml_engineer'],
  'GET /api/v2/ml/predictions': ['ml_engineer', 'ops', 'auditor'],
  'GET /api/v2/ml/predictions/{id}': ['ml_engineer', 'ops', 'auditor'],
  'POST /api/v2/ml/predictions/outcomes/sweep': ['ops', 'ml_engineer'],
  'GET /api/v2/ml/models': ['ml_engineer', 'ops', 'auditor'],
  'GET /api/v2/ml/models/active': ['ml_engineer', 'ops', 'auditor'],
  'GET /api/v2/ml/models/history': ['ml_engineer', 'ops', 'auditor'],
  'GET /api/v2/ml/models/{version}': ['ml_engineer', 'ops', 'auditor'],
  'GET /api/v2/ml/models/{version}/training-data': ['ml_engineer', 'ops', 'auditor'],
  'POST /api/v2/ml/models/train': ['ml_engineer'],
  'POST /api/v2/ml/models': ['ml_engineer'],
  'POST /api/v2/ml/models/{version}/activate': ['ml_engineer'],
  'POST /api/v2/ml/models/{version}/deactivate': ['ml_engineer'],
  'POST /api/v2/ml/models/retrain': ['ml_engineer', 'ops'],
  'POST /api/v2/ml/models/rollback-check': ['ml_engineer', 'ops'],
  'GET /api/v2/ml/accuracy': ['ml_engineer', 'ops', 'auditor'],
  'GET /api/v2/ml/accuracy/daily': ['ml_engineer', 'ops', 'auditor'],
  'POST /api/v2/ocr/calibrations/fit': ['ml_engineer'],
  'GET /api/v2/ocr/calibrations': ['ml_engineer', 'ops', 'auditor'],
  'GET /api/v2/ocr/calibrations/{id}': ['ml_engineer', 'ops', 'auditor'],
  // Audit (role auditor) and ops (role ops)
  'GET /api/v2/audit/streams/{stream}/events': ['auditor'],
  'GET /api/v2/audit/events': ['auditor'],
  'GET /api/v2/audit/streams/{stream}/verify': ['auditor'],
  'GET /api/v2/audit/models/{model_type}/as-of': ['auditor'],
  'GET /api/v2/ops/projections': ['ops'],
  'POST /api/v2/ops/projections/{name}/rebuild': ['ops'],
  'POST /api/v2/ops/projections/{name}/parked/{position}/{decision}': ['ops'],
  'GET /health': PUBLIC,
  'GET /metrics': PUBLIC,
};

/** Path parameters that look real enough to get past routing (the handler may still 400/404). */
const PARAMS: Record<string, string> = {
  id: 'x1',
  stream: 'reading-x1',
  version: 'v20260101_000000',
  model_type: 'conflict_predictor',
  name: 'readings',
  position: '1',
  decision: 'retry',
  asset_id: 'a1',
};

describe('roles: every operation of the OpenAPI document against the contract role matrix', () => {
  let app: TestApp;
  let operations: { method: string; path: string; key: string }[];

  beforeAll(async () => {
    app = await startTestApp();
    const doc = (await (await fetch(`${app.baseUrl}/api/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path, key: `${m.toUpperCase()} ${path}` })));
  });
  afterAll(async () => app.close());

  it('lists every operation of the OpenAPI document in the matrix, and no operation the document lacks', () => {
    expect(operations.length).toBeGreaterThan(50);
    expect(operations.map((o) => o.key).filter((k) => !(k in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((k) => !operations.some((o) => o.key === k))).toEqual([]);
  });

  it('answers 403 to every role outside an operation\'s row and never 401/403 to a role inside it', async () => {
    const call = async (method: string, path: string, roles: readonly string[] | null) => {
      const url = app.baseUrl + path.replace(/\{(\w+)\}/g, (_, p: string) => encodeURIComponent(PARAMS[p] ?? 'x1'));
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (roles) headers.authorization = `Bearer ${app.token({ sub: 'role-probe', tenant: 'acme', roles })}`;
      const res = await fetch(url, { method, headers, body: method === 'GET' ? undefined : '{}' });
      await res.arrayBuffer();
      return res.status;
    };
    const wrong: string[] = [];
    let probes = 0;
    for (const { method, path, key } of operations) {
      const allowed = MATRIX[key];
      if (allowed === undefined) continue; // reported by the test above
      if (allowed === PUBLIC) {
        // Public operations take no token (a bearer on /metrics is the METRICS_TOKEN credential).
        const status = await call(method, path, null);
        probes += 1;
        if (status === 401 || status === 403) wrong.push(`${key} without a token: ${status}`);
        continue;
      }
      for (const role of ROLES) {
        const status = await call(method, path, [role]);
        probes += 1;
        const inside = allowed.includes(role);
        if (inside ? status === 401 || status === 403 : status !== 403) wrong.push(`${key} as ${role}: ${status}`);
      }
      // No token at all is 401, and a token with no role is 403, on every protected operation.
      const [none, empty] = [await call(method, path, null), await call(method, path, [])];
      probes += 2;
      if (none !== 401) wrong.push(`${key} without a token: ${none}`);
      if (empty !== 403) wrong.push(`${key} with no role: ${empty}`);
    }
    console.log(`role figures: ${JSON.stringify({ operations: operations.length, probes })}`);
    expect(wrong).toEqual([]);
  });
});

/**
 * The contract's role matrix against every operation the service documents in its OpenAPI document.
 *
 * The matrix below is this test's own copy of the REST contract's roles, written from the contract and
 * not read from the code (a test that reads the code's table could not fail). Every operation of the
 * served document must have a row; each is called over real HTTP with one token per role: a role
 * outside the row gets 403, a role inside never 401/403 (400/404/422 for the dummy input is fine),
 * a valid token never 401, no token 401 (public rows: 200 without a token). Refused calls append nothing.
 */
import { TestApp, startTestApp } from '../support/app';

jest.setTimeout(180_000);

const ROLES = ['guard', 'labeler', 'ml_engineer', 'auditor', 'ops', 'privacy_officer'] as const;
type Role = (typeof ROLES)[number];

const PUBLIC = 'public';
interface Row {
  readonly roles: readonly Role[] | typeof PUBLIC;
}
const row = (...roles: Role[]): Row => ({ roles });

/** Method and OpenAPI path (`{param}`) → who may call it. Rows marked "beyond the contract" are service additions. */
const MATRIX: Record<string, Row> = {
  // Capture (guard) and per-tenant reading settings (ops)
  'POST /api/v2/meter-readings': row('guard'),
  'POST /api/v2/vehicle-entries': row('guard'),
  'GET /api/v2/meter-readings/{id}': row('guard', 'labeler', 'ml_engineer'),
  'GET /api/v2/vehicle-entries/{id}': row('guard', 'labeler', 'ml_engineer'),
  'PUT /api/v2/ocr/plate-formats': row('ops'),
  'GET /api/v2/ocr/plate-formats': row('ops'),
  'PUT /api/v2/assets/{asset_id}/counter': row('ops'),
  'POST /api/v2/assets/{asset_id}/replaced': row('ops'),
  // Training data
  'POST /api/v2/ml-training/corrections': row('guard', 'labeler'),
  'GET /api/v2/ml-training/examples': row('labeler', 'ml_engineer'),
  'GET /api/v2/ml-training/examples/{id}': row('labeler', 'ml_engineer'), // beyond the contract: one example, as the list
  'GET /api/v2/ml-training/examples/{id}/image': row('labeler', 'ml_engineer'),
  'GET /api/v2/ml-training/labeling-backlog': row('labeler'),
  'POST /api/v2/ml-training/labeling-tasks/{id}/claim': row('labeler'),
  'POST /api/v2/ml-training/labeling-tasks/{id}/submit': row('labeler'),
  'POST /api/v2/ml-training/labeling-tasks/{id}/skip': row('labeler'),
  'POST /api/v2/ml-training/labeling-tasks/{id}/release': row('labeler'),
  'POST /api/v2/ml-training/active-learning/run': row('ml_engineer', 'ops'),
  'GET /api/v2/ml-training/metrics': row('ops', 'ml_engineer'),
  'POST /api/v2/ml-training/datasets': row('ml_engineer'),
  'GET /api/v2/ml-training/datasets': row('ml_engineer'), // beyond the contract
  'GET /api/v2/ml-training/datasets/{id}': row('ml_engineer'), // beyond the contract
  'GET /api/v2/ml-training/datasets/{id}/export': row('ml_engineer'),
  // Sync (guard)
  'POST /api/v2/sync/events': row('guard'),
  'POST /api/v2/sync/conflicts': row('guard'),
  'GET /api/v2/sync/features': row('ml_engineer', 'ops', 'auditor'), // beyond the contract: model features, read like models
  // Predictions and models: ml_engineer manages models, ops and auditor read them
  'POST /api/v2/ml/conflict-predictions': row('guard', 'ml_engineer'),
  'GET /api/v2/ml/predictions': row('ml_engineer', 'ops', 'auditor'),
  'GET /api/v2/ml/predictions/{id}': row('ml_engineer', 'ops', 'auditor'), // beyond the contract
  'POST /api/v2/ml/predictions/outcomes/sweep': row('ml_engineer', 'ops'), // beyond the contract: the 6-hourly sweep on demand
  'GET /api/v2/ml/models': row('ml_engineer', 'ops', 'auditor'),
  'GET /api/v2/ml/models/active': row('ml_engineer', 'ops', 'auditor'),
  'GET /api/v2/ml/models/history': row('ml_engineer', 'ops', 'auditor'),
  'GET /api/v2/ml/models/{version}': row('ml_engineer', 'ops', 'auditor'),
  'GET /api/v2/ml/models/{version}/training-data': row('ml_engineer', 'ops', 'auditor'),
  'POST /api/v2/ml/models/train': row('ml_engineer'),
  'POST /api/v2/ml/models': row('ml_engineer'),
  'POST /api/v2/ml/models/{version}/activate': row('ml_engineer'),
  'POST /api/v2/ml/models/{version}/deactivate': row('ml_engineer'),
  'POST /api/v2/ml/models/retrain': row('ml_engineer', 'ops'), // beyond the contract: the weekly schedule on demand
  'POST /api/v2/ml/models/rollback-check': row('ml_engineer', 'ops'), // beyond the contract: the accuracy tick on demand
  'GET /api/v2/ml/accuracy': row('ml_engineer', 'ops', 'auditor'),
  'GET /api/v2/ml/accuracy/daily': row('ml_engineer', 'ops', 'auditor'),
  'POST /api/v2/ocr/calibrations/fit': row('ml_engineer'), // beyond the contract: OCR calibration, managed like models
  'GET /api/v2/ocr/calibrations': row('ml_engineer', 'ops', 'auditor'), // beyond the contract
  'GET /api/v2/ocr/calibrations/{id}': row('ml_engineer', 'ops', 'auditor'), // beyond the contract
  // Audit (auditor) and ops (ops)
  'GET /api/v2/audit/streams/{stream}/events': row('auditor'),
  'GET /api/v2/audit/events': row('auditor'),
  'GET /api/v2/audit/streams/{stream}/verify': row('auditor'),
  'GET /api/v2/audit/models/{model_type}/as-of': row('auditor'),
  'GET /api/v2/ops/projections': row('ops'),
  'POST /api/v2/ops/projections/{name}/rebuild': row('ops'),
  'POST /api/v2/ops/projections/{name}/parked/{position}/{decision}': row('ops'),
  // Privacy (privacy_officer; retention: ops)
  'POST /api/v2/privacy/erasures': row('privacy_officer'),
  // Retention of personal data: per-tenant settings and the daily run on demand (ops), beyond the contract
  'PUT /api/v2/privacy/retention': row('ops'),
  'GET /api/v2/privacy/retention': row('ops'),
  'POST /api/v2/privacy/retention/run': row('ops'),
  // No token
  'GET /health': { roles: PUBLIC },
  'GET /metrics': { roles: PUBLIC },
};

/** Valid-looking values for path parameters: the records need not exist. */
const PARAMS: Record<string, string> = {
  id: '0b5f3a52-6c1e-4c4f-9a57-2f6f0d6b1c11',
  asset_id: 'asset-roles-1',
  version: 'conflict_predictor-v1',
  stream: 'reading-0b5f3a52-6c1e-4c4f-9a57-2f6f0d6b1c11',
  model_type: 'conflict_predictor',
  name: 'no-such-projection',
  position: '1',
  decision: 'retry',
};

interface Operation {
  readonly key: string;
  readonly method: string;
  readonly url: string;
}

describe('security: every documented operation answers each role as the contract says', () => {
  let app: TestApp;
  let operations: Operation[];
  const tokens = {} as Record<Role | 'none', string>;
  const tally: Record<string, number> = {};

  beforeAll(async () => {
    app = await startTestApp();
    for (const role of ROLES) tokens[role] = app.token({ sub: `roles-${role}`, tenant: 'acme', roles: [role] });
    tokens.none = app.token({ sub: 'roles-none', tenant: 'acme', roles: [] });
    const res = await fetch(`${app.baseUrl}/api/docs-json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => ({ key: `${m.toUpperCase()} ${path}`, method: m.toUpperCase(), url: fill(path) })),
    );
  });

  afterAll(async () => {
    // The figures for the report: how many calls answered what.
    process.stdout.write(`role matrix: ${operations?.length ?? 0} operations x ${ROLES.length + 2} callers; answers ${JSON.stringify(tally)}\n`);
    await app?.close();
  });

  function fill(path: string): string {
    return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (!(name in PARAMS)) throw new Error(`no test value for path parameter {${name}} (add one to PARAMS)`);
      return encodeURIComponent(PARAMS[name]);
    });
  }

  async function call(op: Operation, token: string | null): Promise<number> {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const hasBody = op.method !== 'GET' && op.method !== 'DELETE';
    if (hasBody) headers['content-type'] = 'application/json';
    const res = await fetch(`${app.baseUrl}${op.url}`, { method: op.method, headers, body: hasBody ? '{}' : undefined });
    await res.arrayBuffer();
    tally[res.status] = (tally[res.status] ?? 0) + 1;
    return res.status;
  }

  const head = async () => ((await (await fetch(`${app.baseUrl}/health`)).json()) as { event_store: { head_position: string } }).event_store.head_position;

  it('has a matrix row for every operation of the OpenAPI document, and every row is served', () => {
    expect(operations.length).toBeGreaterThan(40);
    expect(operations.map((o) => o.key).filter((k) => !(k in MATRIX))).toEqual([]);
    const served = new Set(operations.map((o) => o.key));
    expect(Object.keys(MATRIX).filter((k) => !served.has(k))).toEqual([]);
  });

  it('answers 403 to every role outside the row and to a token without roles, appending nothing', async () => {
    const before = await head();
    const wrong: string[] = [];
    for (const op of operations) {
      const allowed = MATRIX[op.key]?.roles;
      if (allowed === undefined || allowed === PUBLIC) continue;
      for (const role of ROLES.filter((r) => !allowed.includes(r))) {
        const status = await call(op, tokens[role]);
        if (status !== 403) wrong.push(`${op.key} as ${role}: ${status}`);
      }
      const status = await call(op, tokens.none);
      if (status !== 403) wrong.push(`${op.key} with no role: ${status}`);
    }
    expect(wrong).toEqual([]);
    expect(await head()).toBe(before);
  });

  it('never answers 401 or 403 to a role inside the row', async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const allowed = MATRIX[op.key]?.roles;
      // Public operations take no role token (a wrong credential on /metrics is 401: README, METRICS_TOKEN).
      if (allowed === undefined || allowed === PUBLIC) continue;
      for (const role of allowed) {
        const status = await call(op, tokens[role]);
        if (status === 401 || status === 403) wrong.push(`${op.key} as ${role}: ${status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers 401 without a token on every operation but the public ones', async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const status = await call(op, null);
      const isPublic = MATRIX[op.key]?.roles === PUBLIC;
      if (isPublic ? status !== 200 : status !== 401) wrong.push(`${op.key} without token: ${status}`);
    }
    expect(wrong).toEqual([]);
  });
});

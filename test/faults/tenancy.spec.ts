import { TestApp, startTestApp } from '../support/app';
import { waitQuiet } from '../support/read-models';
import { renderMeterPhoto, renderPlatePhoto } from '../support/photos';
import { photoForm } from '../readings/readings-helpers';
import { ScriptedOcrEngine, runActiveLearning } from '../training/training-helpers';
import { AuditedEvent, tally } from './support/log';

jest.setTimeout(300_000);

const ROLES = ['guard', 'labeler', 'ml_engineer', 'auditor', 'ops', 'privacy_officer'] as const;

/**
 * Platform-wide endpoints: not tenant data (API.md: models are platform-wide; accuracy judges them
 * over every tenant's outcomes; the model registry's as-of audit, ops, health and metrics serve auditors and operators).
 * Every other endpoint of the OpenAPI document must be probed below, or this suite fails.
 */
const PLATFORM_WIDE: Record<string, string> = {
  'GET /health': 'liveness',
  'GET /metrics': 'Prometheus',
  'GET /api/v2/audit/models/{model_type}/as-of': 'audit of the model registry',
  'GET /api/v2/ops/projections': 'ops',
  'POST /api/v2/ops/projections/{name}/rebuild': 'ops',
  'POST /api/v2/ops/projections/{name}/parked/{position}/{decision}': 'ops: a decision on a parked event of a process-wide handler (the entry shows handler, position, type and error, no payload)',
  'POST /api/v2/ml/models/train': 'models',
  'POST /api/v2/ml/models': 'models',
  'GET /api/v2/ml/models': 'models',
  'POST /api/v2/ml/models/{version}/activate': 'models',
  'POST /api/v2/ml/models/{version}/deactivate': 'models',
  'GET /api/v2/ml/models/active': 'models',
  'GET /api/v2/ml/models/history': 'models',
  'GET /api/v2/ml/models/{version}': 'models',
  'GET /api/v2/ml/models/{version}/training-data': 'models (rows carry no tenant or user ids)',
  'POST /api/v2/ml/models/retrain': 'models',
  'POST /api/v2/ml/models/rollback-check': 'models',
  'GET /api/v2/ml/accuracy': 'accuracy of the platform-wide model',
  'GET /api/v2/ml/accuracy/daily': 'accuracy of the platform-wide model',
  'POST /api/v2/ml/predictions/outcomes/sweep': 'the platform-wide outcome sweep (ops)',
  'POST /api/v2/ocr/calibrations/fit': 'OCR calibrations are engine behaviour, fitted on every tenant\'s labels',
  'GET /api/v2/ocr/calibrations': 'OCR calibrations (no tenant data: counts and the map only)',
  'GET /api/v2/ocr/calibrations/{id}': 'OCR calibrations (no tenant data: counts and the map only)',
};

interface Raw {
  status: number;
  text: string;
  json: () => Record<string, unknown> & { items?: Record<string, unknown>[] };
}

/**
 * Tenant A (acme) records data through every tenant-scoped endpoint; tenant B (globex), with a token
 * holding every role and with one token per role, then reads and commands against A's ids. B never
 * sees A's data (404 on A's ids, A's items absent from lists, no A marker in any 2xx body) and never
 * changes it (403/404 on commands, and every A stream's head unchanged in the log).
 */
describe('tenancy: tenant B never reads or changes tenant A', () => {
  const ocr = new ScriptedOcrEngine();
  let app: TestApp;
  const a = { guard: '', labeler: '', engineer: '', auditor: '', all: '' };
  let bAll: string;
  let bRoles: string[];
  const probed = new Set<string>();
  const statuses: number[] = [];
  // A's ids, texts and tenant id: none may appear in a 2xx answer to B.
  const A = { reading: '', entry: '', captured: '', examples: [] as string[], tasks: [] as string[], dataset: '', prediction: '', sync: 'acme-sync-1', entity: 'acme-meter-9' };
  const markers = () => [A.reading, A.entry, A.captured, ...A.examples, ...A.tasks, A.dataset, A.prediction, 'acme-truth-771', 'acme-label-55', '"acme"'];
  let aHeads: Map<string, string>;
  const B = { reading: '', datasets: [] as string[], predictions: [] as string[] };

  const send = async (token: string, method: string, path: string, body?: unknown, form?: FormData, headers: Record<string, string> = {}): Promise<Raw> => {
    const h: Record<string, string> = { authorization: `Bearer ${token}`, ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(`${app.baseUrl}${path}`, { method, headers: h, body: body !== undefined ? JSON.stringify(body) : form });
    const text = Buffer.from(await res.arrayBuffer()).toString('latin1');
    return { status: res.status, text, json: () => JSON.parse(text) };
  };

  /** A's events, grouped by stream: the heads B must leave alone. */
  async function tenantHeads(tenant: string): Promise<Map<string, string>> {
    const heads = new Map<string, string>();
    for (let from = 1; ; ) {
      const res = await send(a.auditor, 'GET', `/api/v2/audit/events?from_position=${from}&limit=1000`);
      const body = res.json() as unknown as { items: AuditedEvent[]; next_cursor: string | null };
      for (const e of body.items) if (e.metadata.tenantId === tenant) heads.set(e.stream, `${e.revision}:${String(e.metadata.hash)}`);
      if (!body.next_cursor) return heads;
      from = Number(body.next_cursor);
    }
  }

  /** B, with every role and with each role alone: the answer is one of `allowed`, and a 2xx leaks nothing of A. */
  async function asB(endpoint: string, path: string, allowed: readonly number[], body?: unknown, form?: () => FormData): Promise<Raw[]> {
    probed.add(endpoint);
    const method = endpoint.split(' ')[0];
    const out: Raw[] = [];
    for (const token of [bAll, ...bRoles]) {
      const res = await send(token, method, path, body, form?.());
      statuses.push(res.status);
      const roleDenied = token !== bAll && res.status === 403;
      expect({ endpoint, path, status: res.status, ok: roleDenied || allowed.includes(res.status) }).toMatchObject({ ok: true });
      if (res.status < 300) expect({ endpoint, leaked: markers().filter((m) => m && res.text.includes(m)) }).toEqual({ endpoint, leaked: [] });
      out.push(res);
    }
    return out;
  }

  beforeAll(async () => {
    app = await startTestApp({ ocrEngine: ocr });
    a.guard = app.token({ sub: 'shared-user', tenant: 'acme', roles: ['guard'] });
    a.labeler = app.token({ sub: 'ann', tenant: 'acme', roles: ['labeler'] });
    a.engineer = app.token({ sub: 'eng', tenant: 'acme', roles: ['ml_engineer'] });
    a.auditor = app.token({ sub: 'aud', tenant: 'acme', roles: ['auditor'] });
    a.all = app.token({ sub: 'ops', tenant: 'acme', roles: [...ROLES] });
    // B's guard has the same user id as A's: ids are only unique within a tenant.
    bAll = app.token({ sub: 'shared-user', tenant: 'globex', roles: [...ROLES] });
    bRoles = ROLES.map((r) => app.token({ sub: 'shared-user', tenant: 'globex', roles: [r] }));

    const unsure = await renderMeterPhoto('5512');
    ocr.script(unsure, '5512', 0.3);
    const post = async (path: string, fields: Record<string, string>, photo: Buffer, key?: string) => {
      const res = await send(a.guard, 'POST', path, undefined, photoForm(fields, photo), key ? { 'idempotency-key': key } : {});
      expect(res.status).toBe(201);
      return res.json();
    };
    A.reading = String((await post('/api/v2/meter-readings', { asset_id: 'shared-asset' }, await renderMeterPhoto('3141'), 'acme-key-1')).reading_id);
    A.entry = String((await post('/api/v2/vehicle-entries', { gate_id: 'shared-gate' }, await renderPlatePhoto('AC123ME'), 'acme-key-2')).entry_id);
    A.captured = String((await post('/api/v2/meter-readings', { asset_id: 'shared-asset' }, unsure)).reading_id);
    for (const [type, id] of [['meter_reading', A.reading], ['vehicle_entry', A.entry]]) {
      const res = await send(a.guard, 'POST', '/api/v2/ml-training/corrections', { source_type: type, source_id: id, corrected_text: 'acme-truth-771', correction_type: 'OCR_ERROR' });
      expect(res.status).toBe(201);
    }
    await waitQuiet(app.baseUrl, a.all);
    const run = await runActiveLearning(app, a.engineer, 10);
    A.examples = run.selected.map((s) => s.example_id);
    A.tasks = run.selected.map((s) => s.task_id);
    expect(A.examples.sort()).toEqual([`mr_${A.reading}`, `ve_${A.entry}`, `mr_${A.captured}`].sort());
    expect((await send(a.labeler, 'POST', `/api/v2/ml-training/labeling-tasks/${A.tasks[0]}/claim`)).status).toBe(200);
    expect((await send(a.labeler, 'POST', `/api/v2/ml-training/labeling-tasks/${A.tasks[1]}/claim`)).status).toBe(200);
    expect((await send(a.labeler, 'POST', `/api/v2/ml-training/labeling-tasks/${A.tasks[1]}/submit`, { label: 'acme-label-55' })).status).toBe(200);
    const ds = await send(a.engineer, 'POST', '/api/v2/ml-training/datasets', { name: 'acme set' });
    expect(ds.status).toBe(201);
    A.dataset = String(ds.json().dataset_id);
    const fields = ['value', 'unit'];
    expect((await send(a.guard, 'POST', '/api/v2/sync/events', { sync_id: A.sync, entity_type: 'meter', entity_id: A.entity, device_id: 'd1', fields })).status).toBe(201);
    expect((await send(a.guard, 'POST', '/api/v2/sync/conflicts', { sync_id: A.sync, resolution_type: 'server_wins' })).status).toBe(201);
    const prediction = await send(a.guard, 'POST', '/api/v2/ml/conflict-predictions', { entity_type: 'meter', entity_id: A.entity, device_id: 'd1', fields });
    expect(prediction.status).toBe(201);
    A.prediction = String(prediction.json().prediction_id);
    await waitQuiet(app.baseUrl, a.all);
    aHeads = await tenantHeads('acme');
    expect(aHeads.size).toBeGreaterThan(8);
  });
  afterAll(async () => {
    console.log(`tenancy figures: ${JSON.stringify({ endpointsProbed: probed.size, platformWide: Object.keys(PLATFORM_WIDE).length, requestsAsB: statuses.length, statuses: tally(statuses), aStreamsChecked: aHeads?.size })}`);
    await app.close();
  });

  it('GETs of A ids answer 404 to B', async () => {
    await asB('GET /api/v2/meter-readings/{id}', `/api/v2/meter-readings/${A.reading}`, [404]);
    await asB('GET /api/v2/vehicle-entries/{id}', `/api/v2/vehicle-entries/${A.entry}`, [404]);
    for (const id of A.examples) {
      await asB('GET /api/v2/ml-training/examples/{id}', `/api/v2/ml-training/examples/${id}`, [404]);
      await asB('GET /api/v2/ml-training/examples/{id}/image', `/api/v2/ml-training/examples/${id}/image`, [404]);
    }
    await asB('GET /api/v2/ml-training/datasets/{id}', `/api/v2/ml-training/datasets/${A.dataset}`, [404]);
    await asB('GET /api/v2/ml-training/datasets/{id}/export', `/api/v2/ml-training/datasets/${A.dataset}/export?format=jsonl`, [404]);
    await asB('GET /api/v2/ml-training/datasets/{id}/export', `/api/v2/ml-training/datasets/${A.dataset}/export?format=tesstrain`, [404]);
    await asB('GET /api/v2/ml/predictions/{id}', `/api/v2/ml/predictions/${A.prediction}`, [404]);
  });

  it('B point-in-time features of A entity and user are those of an unknown entity', async () => {
    const q = (entity: string, user = 'shared-user') => `/api/v2/sync/features?entity_type=meter&entity_id=${entity}&user_id=${user}&fields=value,unit`;
    const ofA = (await send(a.all, 'GET', q(A.entity))).json().features;
    const unknown = (await send(a.all, 'GET', q('never-seen', 'nobody'))).json().features;
    expect(ofA).not.toEqual(unknown);
    const answers = await asB('GET /api/v2/sync/features', q(A.entity), [200]);
    for (const res of answers.filter((r) => r.status === 200)) expect(res.json().features).toEqual(unknown);
  });

  it('commands on A ids answer 403 or 404 to B', async () => {
    for (const [type, id] of [['meter_reading', A.reading], ['vehicle_entry', A.entry], ['meter_reading', A.captured]]) {
      await asB('POST /api/v2/ml-training/corrections', '/api/v2/ml-training/corrections', [403, 404], { source_type: type, source_id: id, corrected_text: 'globex', correction_type: 'WRONG_READING' });
    }
    // B's privacy officer finds no subject of A's plate (lookups are keyed per tenant).
    for (const plate of ['AC123ME', 'acme-truth-771']) await asB('POST /api/v2/privacy/erasures', '/api/v2/privacy/erasures', [404], { plate, reason: 'globex request' });
    for (const task of A.tasks) {
      for (const action of ['claim', 'submit', 'skip', 'release']) {
        await asB(`POST /api/v2/ml-training/labeling-tasks/{id}/${action}`, `/api/v2/ml-training/labeling-tasks/${task}/${action}`, [403, 404], action === 'submit' ? { label: 'globex' } : {});
      }
    }
    await asB('POST /api/v2/sync/conflicts', '/api/v2/sync/conflicts', [404], { sync_id: A.sync, resolution_type: 'client_wins' });
  });

  it('B creating in its own tenant with A ids, keys and entities touches nothing of A', async () => {
    const photo = await renderMeterPhoto('3141');
    // The same Idempotency-Key as A's first reading: B gets its own reading, not A's answer.
    const [reading] = await asB('POST /api/v2/meter-readings', '/api/v2/meter-readings', [201], undefined, () => photoForm({ asset_id: 'shared-asset' }, photo));
    const [entry] = await asB('POST /api/v2/vehicle-entries', '/api/v2/vehicle-entries', [201], undefined, () => photoForm({ gate_id: 'shared-gate' }, photo));
    const keyed = await send(bAll, 'POST', '/api/v2/meter-readings', undefined, photoForm({ asset_id: 'x' }, photo), { 'idempotency-key': 'acme-key-1' });
    expect(keyed.status).toBe(201);
    expect(keyed.json().reading_id).not.toBe(A.reading);
    expect(reading.json().reading_id).not.toBe(A.reading);
    expect(entry.json().entry_id).not.toBe(A.entry);
    B.reading = String(reading.json().reading_id);
    expect((await send(bAll, 'POST', '/api/v2/ml-training/corrections', { source_type: 'meter_reading', source_id: B.reading, corrected_text: '3141', correction_type: 'OCR_ERROR' })).status).toBe(201);
    await waitQuiet(app.baseUrl, a.all);
    // Sync ids are per tenant: the same sync id and entity as A's is B's own record.
    // Plate formats and counters are per tenant: B's settings land on B's streams, named by the same asset id.
    await asB('PUT /api/v2/ocr/plate-formats', '/api/v2/ocr/plate-formats', [200], { formats: ['BR'] });
    await asB('GET /api/v2/ocr/plate-formats', '/api/v2/ocr/plate-formats', [200]);
    // Retention is per tenant: B's shortest settings and its run remove nothing of A (A's heads and image are checked below;
    // test/privacy/retention.e2e-spec.ts ages the data with a manual clock so that a cross-tenant run would have something to remove).
    const [retention] = await asB('PUT /api/v2/privacy/retention', '/api/v2/privacy/retention', [200], { photos_days: 1, plates_days: 1 });
    expect(retention.json()).toMatchObject({ in_force: { photos_days: 1, plates_days: 1 } });
    await asB('GET /api/v2/privacy/retention', '/api/v2/privacy/retention', [200]);
    await asB('POST /api/v2/privacy/retention/run', '/api/v2/privacy/retention/run', [201]);
    await asB('PUT /api/v2/assets/{asset_id}/counter', '/api/v2/assets/shared-asset/counter', [200], { digits: 4, decimals: 0 });
    await asB('POST /api/v2/assets/{asset_id}/replaced', '/api/v2/assets/shared-asset/replaced', [201]);
    await asB('POST /api/v2/sync/events', '/api/v2/sync/events', [201], { sync_id: 'globex-sync', entity_type: 'meter', entity_id: A.entity, device_id: 'd1', fields: ['value'] });
    const sameId = await send(bAll, 'POST', '/api/v2/sync/events', { sync_id: A.sync, entity_type: 'meter', entity_id: A.entity, device_id: 'd1', fields: ['value', 'unit'] });
    expect(sameId.status).toBe(201);
    // A prediction for A's entity by the same user id: features from B's history only, never matched to A's prediction.
    const [prediction] = await asB('POST /api/v2/ml/conflict-predictions', '/api/v2/ml/conflict-predictions', [201], { entity_type: 'meter', entity_id: A.entity, device_id: 'd1', fields: ['value'] });
    expect(prediction.json().prediction_id).not.toBe(A.prediction);
    B.predictions = (await asB('GET /api/v2/ml/predictions', '/api/v2/ml/predictions?limit=500', [200]))[0].json().items?.map((p) => String(p.prediction_id)) ?? [];
    const [run] = await asB('POST /api/v2/ml-training/active-learning/run', '/api/v2/ml-training/active-learning/run', [201], { batch_size: 50 });
    expect(run.json().selected).toMatchObject([{ example_id: `mr_${B.reading}` }]);
    const datasets = (await asB('POST /api/v2/ml-training/datasets', '/api/v2/ml-training/datasets', [201], { name: 'globex set' })).filter((r) => r.status === 201);
    for (const dataset of datasets) {
      expect(dataset.json()).toMatchObject({ example_count: 1 });
      B.datasets.push(String(dataset.json().dataset_id));
      const exported = await send(bAll, 'GET', `/api/v2/ml-training/datasets/${B.datasets[B.datasets.length - 1]}/export?format=jsonl`);
      expect(exported.status).toBe(200);
      expect(markers().filter((m) => exported.text.includes(m))).toEqual([]);
    }
    await waitQuiet(app.baseUrl, a.all);
  });

  it('B lists hold B items and none of A, and B metrics count only B', async () => {
    const ids = (res: Raw, field: string) => (res.json().items ?? []).map((x) => String(x[field]));
    const [examples] = await asB('GET /api/v2/ml-training/examples', '/api/v2/ml-training/examples?limit=500', [200]);
    expect(ids(examples, 'example_id')).toEqual([`mr_${B.reading}`]);
    const [bySource] = await asB('GET /api/v2/ml-training/examples', `/api/v2/ml-training/examples?source_id=${A.reading}`, [200]);
    expect(bySource.json().items).toEqual([]);
    const [backlog] = await asB('GET /api/v2/ml-training/labeling-backlog', '/api/v2/ml-training/labeling-backlog?limit=500', [200]);
    expect(ids(backlog, 'example_id')).toEqual([`mr_${B.reading}`]);
    expect(backlog.json()).toMatchObject({ counts: { tenant_id: 'globex', total: 1 } });
    const [datasets] = await asB('GET /api/v2/ml-training/datasets', '/api/v2/ml-training/datasets?limit=500', [200]);
    expect(ids(datasets, 'dataset_id').sort()).toEqual([...B.datasets].sort());
    const [predictions] = await asB('GET /api/v2/ml/predictions', '/api/v2/ml/predictions?limit=500', [200]);
    expect(ids(predictions, 'prediction_id').sort()).toEqual([...B.predictions].sort());
    expect(B.predictions.length).toBeGreaterThan(0);
    const [metrics] = await asB('GET /api/v2/ml-training/metrics', '/api/v2/ml-training/metrics', [200]);
    expect(metrics.json()).toMatchObject({ corrections_last_7_days: 1, labeling_backlog: 1 });
    expect((metrics.json().captured_per_day as { count: number }[]).every((d) => d.count === 0)).toBe(true);
  });

  it('audit answers to B hold nothing of A: A streams are 404 like missing ones, the log lists none of them', async () => {
    for (const stream of aHeads.keys()) {
      await asB('GET /api/v2/audit/streams/{stream}/events', `/api/v2/audit/streams/${stream}/events`, [404]);
      await asB('GET /api/v2/audit/streams/{stream}/verify', `/api/v2/audit/streams/${stream}/verify`, [404]);
    }
    const [log] = await asB('GET /api/v2/audit/events', '/api/v2/audit/events?limit=1000', [200]);
    expect((log.json().items ?? []).filter((e) => e.metadata && (e.metadata as { tenantId?: unknown }).tenantId === 'acme')).toEqual([]);
  });

  it('every A stream is exactly as it was: same revision and hash at its head, no new A stream', async () => {
    await waitQuiet(app.baseUrl, a.all);
    const after = await tenantHeads('acme');
    expect(Object.fromEntries(after)).toEqual(Object.fromEntries(aHeads));
    // And A still sees its own data (the probes above were not vacuous).
    expect((await send(a.guard, 'GET', `/api/v2/meter-readings/${A.reading}`)).status).toBe(200);
    expect((await send(a.labeler, 'GET', `/api/v2/ml-training/examples/${A.examples[0]}/image`)).status).toBe(200);
    expect((await send(a.engineer, 'GET', `/api/v2/ml-training/datasets/${A.dataset}`)).status).toBe(200);
    expect((await send(a.all, 'GET', `/api/v2/ml/predictions/${A.prediction}`)).status).toBe(200);
  });

  it('every endpoint of the OpenAPI document is probed here or listed as platform-wide', async () => {
    const doc = (await (await fetch(`${app.baseUrl}/api/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const endpoints = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(endpoints.length).toBeGreaterThan(40);
    const forgotten = endpoints.filter((e) => !probed.has(e) && !(e in PLATFORM_WIDE));
    expect(forgotten).toEqual([]);
    // Both lists name real endpoints (a renamed route must be renamed here too).
    expect([...probed, ...Object.keys(PLATFORM_WIDE)].filter((e) => !endpoints.includes(e))).toEqual([]);
  });
});

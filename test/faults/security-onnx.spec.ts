import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { exportConflictModelToOnnx } from '../../src/ml/onnx-export';
import { syntheticConflictRows } from '../../src/ml/synthetic-conflict-data';
import { trainConflictModel } from '../../src/ml/train-conflict-model';
import { JwtService, resolveJwtSecret } from '../../src/infrastructure/auth/jwt';
import { TestApp, startTestApp } from '../support/app';
import * as hostile from './support/hostile-onnx';

/**
 * Uploaded ONNX models are attacker-controlled files run by the server. The data directory sits
 * under the working directory, as with the default DATA_DIR=./data, so a relative external-data
 * location reaches the generated JWT secret exactly as it would in production.
 */
describe('security: uploaded ONNX models', () => {
  let app: TestApp;
  let dataDir: string;
  let secret: string;
  let engineer: string;
  let secretLocation: string;
  const figures: Record<string, string[]> = {};
  let rssPeakMb = 0;
  let rssBaselineMb = 0;

  beforeAll(async () => {
    const parent = join(process.cwd(), 'tmp');
    mkdirSync(parent, { recursive: true });
    dataDir = mkdtempSync(join(parent, 'sec-onnx-'));
    // No JWT_SECRET: the server generates DATA_DIR/jwt-secret, the file the attack reads.
    app = await startTestApp({ dataDir, env: { JWT_SECRET: '' } });
    secret = resolveJwtSecret(null, dataDir);
    secretLocation = relative(process.cwd(), join(dataDir, 'jwt-secret'));
    engineer = new JwtService(secret).sign({ sub: 'mallory', tenant: 'acme', roles: ['ml_engineer', 'ops'] });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
    console.log(JSON.stringify({ attempts: figures, rss_baseline_mb: rssBaselineMb, rss_peak_mb: rssPeakMb }));
  });

  const headPosition = async (): Promise<string> => ((await (await fetch(`${app.baseUrl}/health`)).json()) as { event_store: { head_position: string } }).event_store.head_position;

  async function upload(category: string, bytes: Buffer): Promise<{ status: number; body: string }> {
    const form = new FormData();
    form.append('model_type', 'conflict_predictor');
    form.append('model', new Blob([bytes]), 'model.onnx');
    const res = await fetch(`${app.baseUrl}/api/v2/ml/models`, { method: 'POST', headers: { authorization: `Bearer ${engineer}` }, body: form });
    const answer = { status: res.status, body: await res.text() };
    (figures[category] ??= []).push(String(answer.status));
    return answer;
  }

  /** Every way the answer could carry a file byte: the characters, their codes, the secret itself. */
  function expectNoSecretIn(body: string, offset: number): void {
    expect(body).not.toContain(secret);
    for (const i of [offset, offset + 1]) {
      const code = secret.charCodeAt(i);
      expect(body).not.toMatch(new RegExp(`(^|[^0-9.])${code}(\\.0+)?([^0-9.]|$)`));
    }
    expect(body).not.toContain(process.cwd());
  }

  it('refuses a model whose initializer reads the JWT secret through external data, leaking no byte', async () => {
    const before = await headPosition();
    for (let offset = 0; offset < 32; offset += 2) {
      const answer = await upload('external data: initializer', hostile.leakViaInitializer(secretLocation, offset));
      expect(answer.status).toBe(422);
      expect(answer.body).toMatch(/external data/);
      expectNoSecretIn(answer.body, offset);
    }
    expect(await headPosition()).toBe(before);
  });

  it.each([
    ['a Constant node attribute', () => hostile.leakViaConstantAttribute],
    ['a tensor-list attribute', () => hostile.leakViaTensorList],
    ['an If subgraph', () => hostile.leakViaIfSubgraph],
    ['a model-local function', () => hostile.leakViaFunction],
    ['a sparse initializer', () => hostile.leakViaSparseInitializer],
    ['training info', () => hostile.leakViaTrainingInfo],
  ])('refuses external data hidden in %s', async (where, build) => {
    const before = await headPosition();
    const answer = await upload(`external data: ${where}`, build()(secretLocation));
    expect(answer.status).toBe(422);
    expect(answer.body).toMatch(/external data/);
    expectNoSecretIn(answer.body, 0);
    expect(await headPosition()).toBe(before);
  });

  it('refuses a field ONNX does not define, where a partial parser would look away', async () => {
    const answer = await upload('unknown field', hostile.unknownFieldInTensor());
    expect(answer.status).toBe(422);
    expect(answer.body).toMatch(/field 99/);
  });

  const statusKb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);

  /**
   * The peak RSS of this process (the server runs in it) while `work` runs, in MB over the RSS
   * before: the kernel's high-water mark, reset first (clear_refs 5), so onnxruntime work on
   * other threads or a blocked event loop cannot hide a spike between samples.
   */
  async function rssGrowthDuring(work: () => Promise<void>): Promise<number> {
    writeFileSync('/proc/self/clear_refs', '5');
    const baseline = statusKb('VmRSS') / 1024;
    rssBaselineMb = Math.round(baseline);
    try {
      await work();
    } finally {
      rssPeakMb = Math.max(rssPeakMb, Math.round(statusKb('VmHWM') / 1024));
    }
    return statusKb('VmHWM') / 1024 - baseline;
  }

  it('refuses a tiny ConstantOfShape 16000x16000 model, and the server memory stays bounded', async () => {
    const before = await headPosition();
    const bomb = hostile.constantOfShapeBomb(16000);
    expect(bomb.length).toBeLessThan(1024);
    const growth = await rssGrowthDuring(async () => {
      const answer = await upload('allocation: ConstantOfShape 16000x16000', bomb);
      expect(answer.status).toBe(422);
      expect(answer.body).toMatch(/ConstantOfShape/);
    });
    // 16000² float32 is 977 MB; the server process must not come near it.
    expect(growth).toBeLessThan(200);
    expect(await headPosition()).toBe(before);
  });

  it('refuses a model of allowed operators that asks for 4 GB at run time: the probe process hits its cap, the server does not', async () => {
    const before = await headPosition();
    const growth = await rssGrowthDuring(async () => {
      const answer = await upload('allocation: broadcast MatMul 1e6 x 1000 (allowed operators)', hostile.broadcastBomb());
      expect(answer.status).toBe(422);
      expect(answer.body).toMatch(/probe/);
      expect(answer.body).not.toMatch(/bfc_arena|onnxruntime::|\.cc\b/);
    });
    expect(growth).toBeLessThan(200);
    expect(await headPosition()).toBe(before);
    expect((await fetch(`${app.baseUrl}/health`)).status).toBe(200);
  });

  it('refuses an operator that is not on the allowed list', async () => {
    const answer = await upload('operator not allowed', hostile.disallowedOperator());
    expect(answer.status).toBe(422);
    expect(answer.body).toMatch(/operator Sin .*not on the allowed list/);
  });

  it.each([
    ['an undeclared column count', hostile.undeclaredOutputWidth],
    ['three columns', hostile.threeColumns],
  ])('refuses a probability output with %s', async (what, build) => {
    const answer = await upload(`output shape: ${what}`, build());
    expect(answer.status).toBe(422);
    expect(answer.body).toMatch(/\[N, 2\] or \[N, 1\]/);
  });

  it("still registers, activates and serves the project's own exported model", async () => {
    const model = trainConflictModel(syntheticConflictRows(2000, { seed: 5 }));
    const answer = await upload('own exported model', exportConflictModelToOnnx(model));
    expect(answer.status).toBe(201);
    const version = (JSON.parse(answer.body) as { version: string }).version;
    const activate = await fetch(`${app.baseUrl}/api/v2/ml/models/${version}/activate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${engineer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model_type: 'conflict_predictor', reason: 'security suite' }),
    });
    expect(activate.status).toBe(200);
    const guard = new JwtService(secret).sign({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    const prediction = await fetch(`${app.baseUrl}/api/v2/ml/conflict-predictions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${guard}`, 'content-type': 'application/json' },
      body: JSON.stringify({ entity_type: 'work_order', entity_id: 'wo-1', device_id: 'd1', fields: ['status'] }),
    });
    expect(prediction.status).toBeLessThan(300);
    expect(await prediction.json()).toMatchObject({ model_version: version });
  });

  it("answers a generic reason, never onnxruntime's own text with resolved server paths", async () => {
    const escaping = `${'../'.repeat(process.cwd().split('/').length)}etc/hostname`;
    const answer = await upload('external data: path escaping the working directory', hostile.leakViaInitializer(escaping, 0));
    expect(answer.status).toBe(422);
    expect(answer.body).not.toMatch(/resolved path|\.cc\b|\/etc\/hostname"|onnxruntime::/);
    expect(answer.body).not.toContain(process.cwd());
  });
});

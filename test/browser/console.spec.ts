/**
 * The web console end to end: the real service over HTTP (temp SQLite, real OCR, real training),
 * driven in Debian's headless Chromium through playwright-core. Screenshots of every key step go
 * to artifacts/screenshots/ and are kept as artifacts of the run.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { startTestApp } from '../support/app';
import { ensureConsoleBuilt } from './console-build';
import { UNREADABLE_BLUR } from '../support/photos';
import { assertAnswer, assertWireKeys, camelCaseKeys, servedDocument } from '../support/wire';

type App = Awaited<ReturnType<typeof startTestApp>>;
type Json = Record<string, unknown>;

const ROOT = join(__dirname, '..', '..');
const SHOTS = join(ROOT, 'artifacts', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TENANT = 'acme';

jest.setTimeout(240_000);

let app: App;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install -y chromium).`);
  }
  // The service serves console/dist: build it when missing or older than the console's sources.
  ensureConsoleBuilt(ROOT);
  mkdirSync(SHOTS, { recursive: true });
  app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

/** camelCase keys in the JSON the console itself received (its pages read the snake_case wire). */
const leaks: string[] = [];

afterEach(() => {
  const found = leaks.splice(0);
  expect(found).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

// ---------------------------------------------------------------------------------------------
// REST helpers (seeding goes through the public API only, as a client would)

async function call(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Json = {};
  try {
    parsed = text ? (JSON.parse(text) as Json) : {};
    // Every JSON answer is held to the wire contract (snake_case keys; test/support/wire.ts).
    assertWireKeys(method, path, parsed);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    parsed = { text };
  }
  // And to what the OpenAPI document declares for the operation: its status, and a JSON body's schema.
  const json = (res.headers.get('content-type') ?? '').includes('application/json');
  assertAnswer(await servedDocument(app.baseUrl), { method, path, status: res.status, body: json ? (text ? JSON.parse(text) : null) : text, contentType: res.headers.get('content-type') });
  return { status: res.status, body: parsed };
}

async function expectStatus(token: string, method: string, path: string, status: number, body?: unknown): Promise<Json> {
  const res = await call(token, method, path, body);
  if (res.status !== status) {
    throw new Error(`${method} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** Lists answer `{ items, next_cursor }` (API.md, Conventions). */
function items(body: Json): Json[] {
  if (!Array.isArray(body.items)) throw new Error(`expected a list answer, got ${JSON.stringify(body)}`);
  return body.items as Json[];
}

/** Waits until every read model has applied `position` (GET with min_position answers 503 until then); the projections list is ops'. */
async function caughtUp(position: string): Promise<void> {
  const token = app.token({ sub: 'ops-wait', tenant: TENANT, roles: ['ops'] });
  await eventually(
    async () => (await call(token, 'GET', `/api/v2/ml/models?model_type=conflict_predictor&min_position=${position}`)).status,
    (status) => status === 200,
    `the read models to reach position ${position}`,
    60_000,
  );
}

function maxPosition(positions: readonly string[]): string {
  return positions.reduce((a, b) => (BigInt(b) > BigInt(a) ? b : a), '0');
}

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await probe();
  }
  return last;
}

/** A small meter photo blurred past reading: OCR has low confidence, so the capture keeps it for training. */
async function blurryMeterPng(digits: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="80">
    <rect width="240" height="80" fill="#c8c8c8"/>
    <text x="18" y="56" font-family="monospace" font-size="44" fill="#404040">${digits}</text></svg>`;
  return sharp(Buffer.from(svg)).blur(UNREADABLE_BLUR).png().toBuffer();
}

async function uploadReading(token: string, png: Buffer, assetId: string): Promise<Json> {
  const form = new FormData();
  form.append('photo', new Blob([new Uint8Array(png)], { type: 'image/png' }), `${assetId}.png`);
  form.append('asset_id', assetId);
  const res = await fetch(`${app.baseUrl}/api/v2/meter-readings`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  const body = (await res.json()) as Json;
  if (res.status !== 201) throw new Error(`POST /api/v2/meter-readings: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

// ---------------------------------------------------------------------------------------------
// Browser helpers

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // The machine running this may be loaded: wait generously for UI state (never for fixed time).
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('[console pageerror]', err.message));
  page.on('response', (res) => {
    const url = new URL(res.url());
    if (!url.pathname.startsWith('/api/') || !(res.headers()['content-type'] ?? '').includes('application/json')) return;
    const path = url.pathname + url.search;
    res.json().then(
      (body: unknown) => leaks.push(...camelCaseKeys(path, body).map((key) => `${res.request().method()} ${path}: ${key}`)),
      () => undefined,
    );
  });
  return { context, page };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Signs in the way a person does: paste the token, press Enter. */
async function signIn(page: Page, token: string, route = ''): Promise<void> {
  await page.goto(`${app.baseUrl}/console/${route ? `#/${route}` : ''}`);
  await page.waitForSelector('[data-testid=token-input]');
  await page.fill('[data-testid=token-input]', token);
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=who]');
}

async function testIdText(page: Page, testId: string): Promise<string> {
  return ((await page.textContent(`[data-testid=${testId}]`)) ?? '').trim();
}

/**
 * The part of the page's DOM that the in-page checks below use. This file compiles without the DOM
 * lib (it is a Node test); the callbacks run in the browser, where `document` is the real one.
 * They are functions, not strings: the console's Content-Security-Policy forbids eval.
 */
interface PageNode {
  textContent: string | null;
  getAttribute(name: string): string | null;
  complete?: boolean;
  naturalWidth?: number;
}
declare const document: {
  activeElement: PageNode | null;
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): ArrayLike<PageNode>;
};

async function focusedTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
}

async function waitForText(page: Page, selector: string, expected: string): Promise<void> {
  await page.waitForFunction(
    ([sel, want]) => document.querySelector(sel)?.textContent?.trim() === want,
    [selector, expected] as const,
  );
}

async function waitForCount(page: Page, selector: string, n: number): Promise<void> {
  await page.waitForFunction(([sel, want]) => document.querySelectorAll(sel).length === want, [selector, n] as const);
}

async function waitForImage(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((sel) => {
    const img = document.querySelector(sel);
    return !!img && !!img.complete && (img.naturalWidth ?? 0) > 0;
  }, selector);
}

async function waitForFocus(page: Page, testId: string): Promise<void> {
  await page.waitForFunction((id) => document.activeElement?.getAttribute('data-testid') === id, testId);
}

// ---------------------------------------------------------------------------------------------

describe('web console', () => {
  it('serves the console at /console', async () => {
    const res = await fetch(`${app.baseUrl}/console/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
  });

  it('a labeler claims and labels a task with the keyboard alone, and the backlog shrinks', async () => {
    const guard = app.token({ sub: 'guard-1', tenant: TENANT, roles: ['guard'] });
    const engineer = app.token({ sub: 'eng-1', tenant: TENANT, roles: ['ml_engineer'] });
    const labeler = app.token({ sub: 'lab-1', tenant: TENANT, roles: ['labeler'] });

    // What each photo really shows, by reading_id: the labeler types the digits of the photo in front of them.
    const digitsOf = new Map<string, string>();
    for (const [i, digits] of ['01234', '56789', '24680'].entries()) {
      const reading = await uploadReading(guard, await blurryMeterPng(digits), `meter-${i + 1}`);
      expect(reading.confidence).toBeLessThan(0.7);
      expect(reading.captured_for_training).toBe(true);
      digitsOf.set(String(reading.reading_id), digits);
    }

    // The capture saga records the examples asynchronously: wait until all three are there.
    await eventually(
      async () => items(await expectStatus(engineer, 'GET', '/api/v2/ml-training/examples', 200)).length,
      (n) => n >= 3,
      'three captured training examples',
    );
    const run = await expectStatus(engineer, 'POST', '/api/v2/ml-training/active-learning/run', 201, { batch_size: 10 });
    expect((run.selected as unknown[]).length).toBeGreaterThanOrEqual(2);
    const backlog = await expectStatus(labeler, 'GET', `/api/v2/ml-training/labeling-backlog?min_position=${String(run.position)}`, 200);
    const before = (backlog.counts as Json).total as number;
    expect(before).toBeGreaterThanOrEqual(2);
    expect(items(backlog)).toHaveLength(before);

    let label = '';
    const { context, page } = await newPage();
    try {
      await signIn(page, labeler);
      await page.waitForSelector('[data-testid=page-labeling]');
      await waitForCount(page, '[data-testid=backlog-row]', before);
      expect(await testIdText(page, 'backlog-count')).toBe(String(before));
      expect(await testIdText(page, 'who')).toContain('lab-1');
      await shot(page, '1-labeler-backlog');

      // Focus sits on "Claim next": Enter claims the highest-priority task.
      expect(await focusedTestId(page)).toBe('claim-next');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid=task-image]');
      await waitForImage(page, '[data-testid=task-image]');
      await waitForFocus(page, 'label-input');
      expect(await testIdText(page, 'lease-countdown')).toMatch(/lease \d+:\d\d/);
      expect(await testIdText(page, 'ocr-confidence')).toMatch(/^0\.\d\d$/);
      const firstTask = await page.textContent('#task-title');
      // The photo on screen is the reading the task came from: type what it shows.
      await page.waitForSelector('[data-testid=task-source][data-source-id]');
      const readingId = await page.getAttribute('[data-testid=task-source]', 'data-source-id');
      label = digitsOf.get(readingId ?? '') ?? '';
      expect(label).toMatch(/^\d{5}$/);
      await shot(page, '1-labeler-claimed');

      // Fix the OCR text and press Enter to submit.
      await page.keyboard.press('Control+A');
      await page.keyboard.type(label);
      await shot(page, '1-labeler-typed');
      await page.keyboard.press('Enter');

      await waitForText(page, '[data-testid=backlog-count]', String(before - 1));
      await page.waitForFunction((t) => document.querySelector('#task-title')?.textContent !== t, firstTask);
      expect(await testIdText(page, 'flash')).toMatch(/^Labeled task /);
      await shot(page, '1-labeler-submitted');

      // The next task was claimed for us; Alt+R hands it back, leaving the backlog as it is.
      await page.waitForSelector('[data-testid=label-input]');
      await page.keyboard.press('Alt+KeyR');
      await page.waitForSelector('[data-testid=claim-next]');
      expect(await testIdText(page, 'flash')).toMatch(/^Released task /);
      expect(await testIdText(page, 'backlog-count')).toBe(String(before - 1));
      await shot(page, '1-labeler-released');
    } catch (error) {
      await shot(page, '1-labeler-FAILED').catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }

    // What a labeler would check afterwards: the backlog really is one shorter, and the label stuck.
    await eventually(
      async () => ((await expectStatus(labeler, 'GET', '/api/v2/ml-training/labeling-backlog', 200)).counts as Json).total,
      (n) => n === before - 1,
      'the backlog to shrink by one',
    );
    const labeled = await eventually(
      async () => items(await expectStatus(labeler, 'GET', '/api/v2/ml-training/examples?status=labeled', 200)),
      (list) => list.length === 1,
      'one labeled example',
    );
    // A labeler's answer is the example's `label`; `ground_truth_text` holds user corrections only.
    expect(labeled[0].label).toBe(label);
    const example = await expectStatus(labeler, 'GET', `/api/v2/ml-training/examples/${String(labeled[0].example_id)}`, 200);
    expect(example.labeler_id).toBe('lab-1');
  });

  it('an ml_engineer activates a model with confirmation, and the active pointer changes', async () => {
    const engineer = app.token({ sub: 'eng-2', tenant: TENANT, roles: ['ml_engineer'] });
    const guards = ['g-a', 'g-b', 'g-c', 'g-d'].map((sub) => app.token({ sub, tenant: TENANT, roles: ['guard'] }));
    await caughtUp(await seedSyncHistory(guards, 180));

    // The scheduled path first: retraining evaluates a candidate against the heuristic on one holdout
    // and activates or rejects it. Either way the decision is on record for the models page.
    const retrained = await expectStatus(engineer, 'POST', '/api/v2/ml/models/retrain', 201, { model_type: 'conflict_predictor' });
    expect(['activated', 'rejected']).toContain(retrained.decision);
    const first = String(retrained.version);

    // Then a candidate trained by hand (training never activates), for the engineer to activate.
    const trained = await expectStatus(engineer, 'POST', '/api/v2/ml/models/train', 201, { model_type: 'conflict_predictor' });
    const version = String(trained.version);
    expect(version).toMatch(/^v\d{8}_\d{6}/);
    expect(version).not.toBe(first);
    expect((trained.metrics as Json).train_samples).toBeGreaterThan(100);
    const pointerBefore = await expectStatus(engineer, 'GET', `/api/v2/ml/models/active?model_type=conflict_predictor&min_position=${String(trained.position)}`, 200);
    expect(pointerBefore.version).toBe(retrained.decision === 'activated' ? first : null);

    const { context, page } = await newPage();
    try {
      await signIn(page, engineer, 'models');
      await page.waitForSelector('[data-testid=page-models]');
      const row = `[data-testid=model-row][data-version="${version}"]`;
      await page.waitForSelector(row);
      await page.waitForSelector('[data-testid=active-version]');
      expect(await testIdText(page, 'active-version')).toBe(String(pointerBefore.version ?? 'none (heuristic_v1 answers)'));
      // The retrained version shows the evaluation that decided it, the hand-trained one its metrics.
      const firstRow = `[data-testid=model-row][data-version="${first}"]`;
      expect(await page.textContent(`${firstRow} [data-testid=evaluation]`)).toMatch(
        retrained.decision === 'activated' ? /^accepted \(ROC-AUC / : /^rejected: /,
      );
      expect(await page.textContent(`${row} [data-testid=model-status]`)).toBe('candidate');
      expect(await page.textContent(`${row} [data-testid=test-roc-auc]`)).toBe(Number((trained.metrics as Json).test_roc_auc).toFixed(3));
      await page.waitForSelector('[data-testid=history-entry][data-type=ModelEvaluated]');
      await shot(page, '2-models-before');

      await page.click(`${row} [data-testid=activate]`);
      await page.waitForSelector('[data-testid=confirm-dialog][open]');
      expect(await page.textContent('#confirm-title')).toContain(version);
      await shot(page, '2-models-confirm');

      // Cancelling changes nothing.
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid=confirm-dialog]', { state: 'detached' });
      expect(await testIdText(page, 'active-version')).not.toBe(version);

      await page.click(`${row} [data-testid=activate]`);
      await page.click('[data-testid=confirm-ok]');
      await waitForText(page, '[data-testid=active-version]', version);
      await page.waitForSelector(`${row} [data-testid=deactivate]`);
      await waitForText(page, `${row} [data-testid=model-status]`, 'active');
      await page.waitForFunction(
        (v) =>
          Array.from(document.querySelectorAll('[data-testid=history-entry][data-type=ModelActivated]')).some((li) =>
            (li.textContent ?? '').includes(v),
          ),
        version,
      );
      await shot(page, '2-models-activated');
    } catch (error) {
      await shot(page, '2-models-FAILED').catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }

    const pointer = await eventually(
      () => expectStatus(engineer, 'GET', '/api/v2/ml/models/active?model_type=conflict_predictor', 200),
      (p) => p.version === version,
      'the active pointer to name the new version',
    );
    expect(pointer.activated_by).toBe('eng-2');
    expect(pointer.cause).toBe('manual');
    expect(pointer.previous_version).toBe(pointerBefore.version);
  });

  it("a guard's token cannot open the models page", async () => {
    const guard = app.token({ sub: 'guard-9', tenant: TENANT, roles: ['guard'] });
    await expectStatus(guard, 'GET', '/api/v2/ml/models?model_type=conflict_predictor', 403);

    const { context, page } = await newPage();
    const modelCalls: string[] = [];
    page.on('response', (res) => {
      if (res.url().includes('/api/v2/ml/models') && res.status() === 200) modelCalls.push(res.url());
    });
    try {
      await signIn(page, guard, 'models');
      await page.waitForSelector('[data-testid=forbidden]');
      expect(await testIdText(page, 'forbidden')).toContain('Your role cannot see this');
      expect(await page.$('[data-testid=nav-models]')).toBeNull();
      expect(await page.$$('[data-testid=model-row]')).toHaveLength(0);
      expect(await page.$('[data-testid=active-version]')).toBeNull();
      expect(modelCalls).toEqual([]);
      await shot(page, '3-guard-models-forbidden');
    } catch (error) {
      await shot(page, '3-guard-FAILED').catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  });

  it('the ops dashboard shows the flywheel and the projections', async () => {
    const ops = app.token({ sub: 'ops-1', tenant: TENANT, roles: ['ops', 'ml_engineer'] });
    const guard = app.token({ sub: 'guard-p', tenant: TENANT, roles: ['guard'] });
    // Predictions as the mobile app asks for them before a sync; the active model (from the models
    // scenario) or heuristic_v1 answers.
    const predicted: Json[] = [];
    for (const i of [1, 2, 3]) {
      predicted.push(
        await expectStatus(guard, 'POST', '/api/v2/ml/conflict-predictions', 201, {
          entity_type: 'work_order',
          entity_id: `wo-busy-${i}`,
          device_id: `device-${i}`,
          fields: ['status', 'notes'],
        }),
      );
    }
    const metrics = await expectStatus(ops, 'GET', `/api/v2/ml-training/metrics?min_position=${maxPosition(predicted.map((p) => String(p.position)))}`, 200);
    const { context, page } = await newPage();
    try {
      await signIn(page, ops, 'ops');
      await page.waitForSelector('[data-testid=page-ops]');
      await page.waitForSelector('[data-testid=stat-backlog]');
      await page.waitForSelector('[data-testid=captured-chart]');
      await page.waitForSelector('[data-testid=projection-row]');
      // The labeling scenario left one task fewer than it created; the dashboard counts the same backlog.
      expect(Number(await testIdText(page, 'stat-backlog'))).toBe(metrics.labeling_backlog);
      expect(Number(await testIdText(page, 'stat-backlog'))).toBeGreaterThanOrEqual(1);
      expect(await testIdText(page, 'stat-corrections')).toBe(String(metrics.corrections_last_7_days));
      await page.waitForSelector('[data-testid=stat-accuracy]');
      await page.waitForSelector('[data-testid=projection-row][data-name=labeling-backlog]');
      await shot(page, '4-ops-dashboard');

      // A rebuild is accepted (202) and runs blue/green while the table keeps answering.
      await page.click('[data-testid=projection-row] button');
      await page.waitForSelector('[data-testid=rebuild-note]');
      expect(await testIdText(page, 'rebuild-note')).toMatch(/^Rebuild of \S+ started/);
      await shot(page, '4-ops-rebuild');

      await page.click('[data-testid=nav-predictions]');
      await page.waitForSelector('[data-testid=page-predictions]');
      await waitForCount(page, '[data-testid=prediction-row]', predicted.length);
      await shot(page, '4-prediction-log');

      // Fresh predictions are pending until their sync's outcome window closes.
      await page.selectOption('[data-testid=filter-outcome]', 'correct');
      await page.waitForSelector('[data-testid=predictions-empty]');
      await page.selectOption('[data-testid=filter-outcome]', 'pending');
      await waitForCount(page, '[data-testid=prediction-row]', predicted.length);
      const shown = await page.$$eval('[data-testid=prediction-model]', (cells) => cells.map((c) => (c.textContent ?? '').trim()));
      expect(shown.sort()).toEqual(predicted.map((p) => String(p.model_version)).sort());
    } catch (error) {
      await shot(page, '4-ops-FAILED').catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  });

  it("an ml_engineer's dashboard shows the flywheel but not the projections, which are ops'", async () => {
    const engineer = app.token({ sub: 'eng-3', tenant: TENANT, roles: ['ml_engineer'] });
    const { context, page } = await newPage();
    try {
      await signIn(page, engineer, 'ops');
      await page.waitForSelector('[data-testid=stat-backlog]');
      await page.waitForSelector('[data-testid=stat-accuracy]');
      expect(await page.$$('[data-testid=projections]')).toHaveLength(0);
      expect(await page.$$('[data-testid=error], [data-testid=forbidden]')).toHaveLength(0);
      await shot(page, '4-engineer-dashboard');
    } finally {
      await context.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * Back-filled sync history over the last two months (all older than 24 h, so every sync's outcome
 * window is closed), with conflicts where several devices edit the same busy entity: enough signal
 * and both classes in the train and the test split. Each conflict is resolved an hour after its
 * sync, as it would have been at the time (features are point-in-time, by event time). Answers the
 * highest log position written.
 */
async function seedSyncHistory(guards: string[], count: number): Promise<string> {
  const now = Date.now();
  const fieldsPool = ['status', 'notes', 'meter_value', 'location', 'assignee', 'priority'];
  const positions: string[] = [];
  const jobs: (() => Promise<void>)[] = [];
  for (let i = 0; i < count; i++) {
    const busy = i % 3 === 0;
    const guard = guards[i % guards.length];
    const entityId = busy ? `wo-busy-${i % 4}` : `wo-${i}`;
    const fields = fieldsPool.slice(0, busy ? 4 : 1 + (i % 2));
    const syncedAtMs = now - (2 * 24 + (count - i) * 7) * 3600_000;
    const conflict = busy ? i % 2 === 0 || i % 5 === 0 : i % 11 === 0;
    jobs.push(async () => {
      const sync = await expectStatus(guard, 'POST', '/api/v2/sync/events', 201, {
        entity_type: 'work_order',
        entity_id: entityId,
        device_id: `device-${i % 5}`,
        fields,
        synced_at: new Date(syncedAtMs).toISOString(),
      });
      positions.push(String(sync.position));
      if (!conflict) return;
      const resolved = await expectStatus(guard, 'POST', '/api/v2/sync/conflicts', 201, {
        sync_id: sync.sync_id,
        resolution_type: i % 2 === 0 ? 'server_wins' : 'client_wins',
        resolved_at: new Date(syncedAtMs + 3600_000).toISOString(),
      });
      positions.push(String(resolved.position));
    });
  }
  // Oldest first, a few at a time: the history reads like real back-fill.
  for (let i = 0; i < jobs.length; i += 8) await Promise.all(jobs.slice(i, i + 8).map((j) => j()));
  return maxPosition(positions);
}

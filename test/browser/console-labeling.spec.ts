/**
 * The web console end to end (test/support/console-browser.ts): a labeler works the backlog, then
 * the dashboards (ops', an ML engineer's) count what the labeling left.
 */
import { expectStatus, items, maxPosition, eventually, blurryMeterPng, uploadReading } from '../support/console-api';
import { TENANT, harness, useConsoleApp, type App, type Json, type PageDocument, newPage, shot, signIn, testIdText, focusedTestId, waitForText, waitForCount, waitForImage, waitForFocus } from '../support/console-browser';

useConsoleApp();
let app: App;
beforeAll(() => {
  app = harness.app;
});
declare const document: PageDocument;

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

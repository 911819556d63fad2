/**
 * The web console end to end (test/support/console-browser.ts): an ML engineer activates a model on
 * the models page; a guard's token cannot open it.
 */
import { expectStatus, caughtUp, eventually, seedSyncHistory } from '../support/console-api';
import { TENANT, harness, useConsoleApp, type App, type Json, type PageDocument, newPage, shot, signIn, testIdText, waitForText } from '../support/console-browser';

useConsoleApp();
let app: App;
beforeAll(() => {
  app = harness.app;
});
declare const document: PageDocument;

describe('web console', () => {
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
});

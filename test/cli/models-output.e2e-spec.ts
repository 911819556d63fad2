import { rmSync } from 'node:fs';
import { DAY_MS, HOUR_MS } from '../../src/domain/shared/clock';
import { TEST_JWT_SECRET, TestApp, startTestApp } from '../support/app';
import { runCli } from '../support/cli';
import { camelCaseKeys } from '../support/wire';
import { planHistory, seedHistory } from '../models/support/sync-history';

jest.setTimeout(300_000);

interface Retrained {
  version: string;
  timings: Record<string, number>;
  evaluation: { holdout: Record<string, string> };
}

/** The CLI prints the same wire as the HTTP answers: one JSON line, snake_case at every depth. */
describe('models CLI output', () => {
  let app: TestApp;
  const env = () => ({ DATA_DIR: app.dataDir, JWT_SECRET: TEST_JWT_SECRET, ...app.storeEnv });

  // Seeded over HTTP, then the service stops: the CLI catches the read models up itself.
  beforeAll(async () => {
    app = await startTestApp({ keepData: true });
    const now = Date.now();
    await seedHistory(app, planHistory({ seed: 'cli', users: 15, fromMs: now - 21 * DAY_MS, toMs: now - HOUR_MS, shortConflict: 0.55, longConflict: 0.12, prefix: 'cli' }));
    await app.close();
  }, 240_000);
  afterAll(() => rmSync(app.dataDir, { recursive: true, force: true }));

  it('models:retrain prints the evaluation and timings in snake_case', async () => {
    const r = await runCli(['models:retrain'], env());
    expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({ code: 0, stderr: '' });
    const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as Retrained;
    expect(camelCaseKeys('models:retrain', out)).toEqual([]);
    expect(out).toMatchObject({ model_type: 'conflict_predictor', decision: 'activated', previous_version: null });
    expect(Object.keys(out.timings).sort()).toEqual(['evaluate_ms', 'export_and_store_ms', 'extract_ms', 'fit_ms']);
    expect(out.evaluation).toMatchObject({ evaluation_id: expect.any(String), holdout_rows_blob_hash: expect.any(String), baseline: { version: 'heuristic_v1', active_version: null } });
    expect(Object.keys(out.evaluation.holdout).sort()).toEqual(['test_from', 'test_to', 'train_from', 'train_to']);

    const again = await runCli(['models:activate', out.version], env());
    expect(again.code).toBe(0);
    const action = JSON.parse(again.stdout.trim()) as Record<string, unknown>;
    expect(camelCaseKeys('models:activate', action)).toEqual([]);
    expect(action).toMatchObject({ version: out.version, active: true, active_version: out.version, changed: false });
  });
});

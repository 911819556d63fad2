import { rmSync } from 'node:fs';
import { OCR_CALIBRATIONS, OcrCalibrations } from '../../src/ports/ocr-calibrations.port';
import { defaultCalibrations } from '../../src/domain/ocr-calibration/default-calibrations';
import { TestApp, startTestApp } from '../support/app';
import { CliResult, runCli } from '../support/cli';
import { renderPlatePhoto } from '../support/photos';
import { waitQuiet } from '../support/read-models';
import { ScoredOcrEngine, correctEntry, uploadPlate } from './ocr-calibration-helpers';

jest.setTimeout(240_000);

/** As `npm run cli` runs it: bin/cli.js rebuilds a stale dist/ first. */
const cli = (args: readonly string[], env: Record<string, string>): Promise<CliResult> => runCli(args, env);

describe('ocr:calibrate CLI', () => {
  const scored = new ScoredOcrEngine('tesseract');
  let app: TestApp;
  let dataDir: string;
  const env = () => ({ DATA_DIR: dataDir, OCR_CALIBRATION_MIN_LABELS: '6', SQLITE_SYNCHRONOUS: 'NORMAL', SCHEDULES_ENABLED: 'false' });

  beforeAll(async () => {
    app = await startTestApp({ ocrEngine: scored, keepData: true });
    dataDir = app.dataDir;
    const guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    const labeler = app.token({ sub: 'l1', tenant: 'globex', roles: ['labeler'] });
    const otherGuard = app.token({ sub: 'g2', tenant: 'globex', roles: ['guard'] });
    for (let i = 0; i < 8; i += 1) {
      const photo = await renderPlatePhoto(`CL${1000 + i}`);
      scored.script(photo, `CL${1000 + i}`, 0.6 + i * 0.05);
      // Two tenants: every tenant's labels feed the engine's calibration.
      const entry = await uploadPlate(app, i % 2 === 0 ? guard : otherGuard, photo);
      const corrector = i % 2 === 0 ? app.token({ sub: 'l0', tenant: 'acme', roles: ['labeler'] }) : labeler;
      await correctEntry(app, corrector, entry.entry_id, i % 3 === 0 ? `XX${i}` : `CL${1000 + i}`);
    }
    await waitQuiet(app.baseUrl, app.token({ sub: 'o1', tenant: 'acme', roles: ['ops'] }));
    await app.close();
  });
  afterAll(async () => {
    await app.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses an unknown engine (exit 2) and too few labels (exit 1, naming the counts)', async () => {
    const bad = await cli(['ocr:calibrate', '--engine', 'easyocr', '--mode', 'plate'], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--engine must be one of paddle, tesseract, ensemble/);
    const few = await cli(['ocr:calibrate', '--engine', 'tesseract', '--mode', 'plate'], { ...env(), OCR_CALIBRATION_MIN_LABELS: '50' });
    expect(few.code).toBe(1);
    expect(few.stderr).toMatch(/8 labeled \(5 right, 3 wrong\); at least 50/);
  });

  it('fits from the labels of every tenant, prints the calibration, and a server started afterwards has it in force', async () => {
    const res = await cli(['ocr:calibrate', '--engine', 'tesseract', '--mode', 'plate'], env());
    expect(res.code).toBe(0);
    const fit = JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    const development = defaultCalibrations().find((c) => c.engine === 'tesseract' && c.mode === 'plate')?.samples.length ?? 0;
    expect(fit).toMatchObject({ engine: 'tesseract', mode: 'plate', source: 'flywheel', created: true, flywheel_samples: 8, flywheel_positives: 5, development_samples: development });
    expect(String(fit.fitted_by)).toMatch(/^cli:/);

    app = await startTestApp({ ocrEngine: scored, dataDir, keepData: true });
    expect(app.app.get<OcrCalibrations>(OCR_CALIBRATIONS).current('tesseract', 'plate')?.id).toBe(fit.calibration_id);
  });
});

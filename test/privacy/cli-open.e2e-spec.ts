import { isSealed } from '../../src/domain/privacy/sealed';
import { TEST_JWT_SECRET, TestApp, startTestApp } from '../support/app';
import { runCli } from '../support/cli';
import { renderPlatePhoto } from '../support/photos';
import { ScriptedOcrEngine, call, photoForm } from '../training/training-helpers';

jest.setTimeout(300_000);

interface Line {
  stream: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

const lines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);

/** The ops CLI reads with the key store: sealed fields are opened, an erased plate's show as erased. */
describe('privacy: streams:read and events:export open sealed fields', () => {
  const ocr = new ScriptedOcrEngine();
  let app: TestApp;
  const entries: Record<string, string> = {};
  const env = () => ({ DATA_DIR: app.dataDir, JWT_SECRET: TEST_JWT_SECRET, ...app.storeEnv });

  beforeAll(async () => {
    app = await startTestApp({ ocrEngine: ocr });
    const guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    for (const [plate, seed] of [
      ['KXM4721', 1],
      ['BRT9058', 2],
    ] as const) {
      const photo = await renderPlatePhoto(plate, { seed });
      ocr.script(photo, plate, 0.95);
      const res = await call<{ entry_id: string }>(app, 'POST', '/api/v2/vehicle-entries', { token: guard, form: photoForm({ gate_id: 'north' }, photo) });
      expect(res.status).toBe(201);
      entries[plate] = res.body.entry_id;
    }
    const officer = app.token({ sub: 'p1', tenant: 'acme', roles: ['privacy_officer'] });
    expect((await call(app, 'POST', '/api/v2/privacy/erasures', { token: officer, json: { plate: 'KXM4721', reason: 'request' } })).status).toBe(201);
  });
  afterAll(() => app?.close());

  it('streams:read shows a live plate opened and an erased one as erased; --as-stored prints the ciphertext', async () => {
    const live = await runCli(['streams:read', `entry-${entries.BRT9058}`, '--tenant', 'acme'], env());
    expect(live.code).toBe(0);
    const [recorded] = lines(live.stdout);
    expect(recorded.data).toMatchObject({ plate: 'BRT9058', rawText: 'BRT9058', phash: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(recorded.data.erased).toBeUndefined();

    const erased = await runCli(['streams:read', `entry-${entries.KXM4721}`, '--tenant', 'acme'], env());
    expect(erased.code).toBe(0);
    expect(lines(erased.stdout)[0].data).toMatchObject({ plate: null, rawText: null, phash: null, erased: true });

    const stored = await runCli(['streams:read', `entry-${entries.BRT9058}`, '--tenant', 'acme', '--as-stored'], env());
    expect(isSealed(lines(stored.stdout)[0].data.plate)).toBe(true);
  });

  it('events:export opens every sealed field of the tenant and shows the erased ones as erased', async () => {
    const res = await runCli(['events:export', '--tenant', 'acme'], env());
    expect(res.code).toBe(0);
    const all = lines(res.stdout);
    expect(JSON.stringify(all)).not.toMatch(/"pd1\./);
    const byEntry = (id: string) => all.find((l) => l.stream === `entry-${id}` && l.type === 'VehicleEntryRecorded');
    expect(byEntry(entries.BRT9058)?.data).toMatchObject({ plate: 'BRT9058' });
    expect(byEntry(entries.KXM4721)?.data).toMatchObject({ plate: null, erased: true });
  });
});

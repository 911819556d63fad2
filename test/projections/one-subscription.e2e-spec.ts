import { ManualClock } from '../../src/domain/shared/clock';
import { EVENT_STORE, EventStore } from '../../src/ports/event-store.port';
import { ProjectionRunner } from '../../src/runtime/projection-runner';
import { SagaRunner } from '../../src/runtime/saga-runner';
import { SharedLog } from '../../src/runtime/shared-log';
import { TestApp, startTestApp } from '../support/app';
import { renderMeterPhoto } from '../support/photos';
import { ScriptedOcrEngine, call, uploadMeterAt, waitForExamples } from '../training/training-helpers';

jest.setTimeout(120_000);

/** The server reads the log once: each appended event is decoded once, whatever reads it. */
describe('one subscription per process', () => {
  const ocr = new ScriptedOcrEngine();
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ clock: new ManualClock('2026-01-05T08:00:00.000Z'), ocrEngine: ocr });
  });
  afterAll(() => app.close());

  it('decodes each appended event once while every projection and saga applies it', async () => {
    const log = app.app.get(SharedLog);
    const events = app.app.get<EventStore>(EVENT_STORE);
    const readers = app.app.get(ProjectionRunner).list().length + app.app.get(SagaRunner).names().length;
    const guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    const labeler = app.token({ sub: 'l1', tenant: 'acme', roles: ['labeler'] });
    const ops = app.token({ sub: 'o1', tenant: 'acme', roles: ['ops'] });
    const headBefore = await events.headPosition();
    const decodedBefore = log.decodedBySubscription + log.decodedByCatchUp;
    for (let i = 0; i < 5; i++) {
      const photo = await renderMeterPhoto(String(3000 + i), { noise: 3, seed: 100 + i });
      ocr.script(photo, String(3000 + i), 0.35);
      await uploadMeterAt(app, guard, photo);
    }
    await waitForExamples(app, labeler, 5);
    const head = await events.headPosition();
    const ready = await call(app, 'GET', `/api/v2/ml-training/metrics?min_position=${head}`, { token: ops });
    expect(ready.status).toBe(200);
    const appended = (await events.readAll({ after: headBefore, limit: 10_000 })).length;
    const decoded = log.decodedBySubscription + log.decodedByCatchUp - decodedBefore;
    process.stdout.write(`one subscription: ${readers} projections and sagas; ${appended} events appended, ${decoded} decoded (${(decoded / appended).toFixed(2)} per event)\n`);
    expect(readers).toBeGreaterThan(10);
    expect(appended).toBeGreaterThan(5);
    expect(decoded).toBe(appended);
  });
});

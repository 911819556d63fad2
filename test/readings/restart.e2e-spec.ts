import { EVENT_STORE, EventStore } from '../../src/ports/event-store.port';
import { CaptureSaga } from '../../src/sagas/capture/capture.saga';
import { SagaRunner } from '../../src/runtime/saga-runner';
import { TestApp, startTestApp } from '../support/app';
import { renderUnreadableMeterPhoto } from '../support/photos';
import { auditEvents, call, eventually, examplesOf, photoForm } from './readings-helpers';

jest.setTimeout(120_000);

describe('capture survives a restart in the middle', () => {
  let app: TestApp;
  let guard: string;
  let labeler: string;
  let auditor: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { OCR_WORKERS: '1' } });
    guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    labeler = app.token({ sub: 'l1', tenant: 'acme', roles: ['labeler'] });
    auditor = app.token({ sub: 'a1', tenant: 'acme', roles: ['auditor'] });
  });
  afterAll(() => app.close());

  it('given a reading acknowledged while the capture saga was down, when the app restarts, then the example is captured exactly once', async () => {
    // The process "dies" between acknowledging the reading and capturing its example.
    await app.app.get(SagaRunner).stop();
    const res = await call<{ reading_id: string; captured_for_training: boolean; position: string }>(app, 'POST', '/api/v2/meter-readings', {
      token: guard,
      form: photoForm({ asset_id: 'meter-3' }, await renderUnreadableMeterPhoto('004512.7')),
    });
    expect(res.status).toBe(201);
    expect(res.body.captured_for_training).toBe(true);
    expect(await examplesOf(app, labeler, res.body.reading_id, res.body.position)).toEqual([]);

    await app.restart();

    const [example] = await eventually(async () => {
      const items = await examplesOf(app, labeler, res.body.reading_id);
      return items.length > 0 ? items : null;
    });
    expect(example).toMatchObject({ source_id: res.body.reading_id, status: 'captured' });
    expect(await auditEvents(app, auditor, 'TrainingExampleCaptured')).toHaveLength(1);

    // A replay of the same event (a crash after the command, before the checkpoint) appends nothing.
    const store = app.app.get<EventStore>(EVENT_STORE);
    const [recorded] = await store.readStream(`reading-${res.body.reading_id}`);
    await app.app.get(CaptureSaga).handle(recorded);
    await app.restart();
    expect(await app.app.get(SagaRunner).waitFor(Number(res.body.position))).toBe(true);
    expect(await auditEvents(app, auditor, 'TrainingExampleCaptured')).toHaveLength(1);
  });
});

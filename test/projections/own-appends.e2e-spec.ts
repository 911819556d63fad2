import { EVENT_STORE, EventStore } from '../../src/ports/event-store.port';
import { SharedLog } from '../../src/runtime/shared-log';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store';
import { TestApp, startTestApp } from '../support/app';
import { renderMeterPhoto, renderPlatePhoto, renderUnreadableMeterPhoto } from '../support/photos';
import { waitQuiet } from '../support/read-models';
import { call, runActiveLearning, uploadEntry, uploadMeter, waitForExamples } from '../training/training-helpers';

jest.setTimeout(120_000);

/**
 * On the SQLite file the server's subscription takes the events the server appended as it
 * recorded them rather than reading them back: every projection and saga must then see exactly
 * what a read of the log returns. Checked over HTTP on the flows that append the most kinds of
 * events (captures, corrections of readings and of sealed plates, syncs, conflicts, predictions,
 * an active-learning run and its tasks).
 */
describe('what the subscription delivers is what the log holds', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('every event the projections and sagas were given equals its read from the log', async () => {
    const guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    const labeler = app.token({ sub: 'l1', tenant: 'acme', roles: ['labeler'] });
    const ops = app.token({ sub: 'o1', tenant: 'acme', roles: ['ops'] });
    const clear = await uploadMeter(app, guard, await renderMeterPhoto('0871.25'));
    await uploadMeter(app, guard, await renderUnreadableMeterPhoto('004512.7'), 'meter-2');
    const entry = await uploadEntry(app, guard, await renderPlatePhoto('KMN4821'));
    await waitForExamples(app, labeler, 1);
    const post = (token: string, path: string, json: unknown, headers: Record<string, string> = {}) => call(app, 'POST', path, { token, json, headers });
    expect((await post(labeler, '/api/v2/ml-training/corrections/', { source_type: 'meter_reading', source_id: clear, corrected_text: '0871.26', correction_type: 'WRONG_READING' }, { 'idempotency-key': 'k-1' })).status).toBe(201);
    expect((await post(labeler, '/api/v2/ml-training/corrections/', { source_type: 'vehicle_entry', source_id: entry, corrected_text: 'KMN4822', correction_type: 'OCR_ERROR' })).status).toBe(201);
    for (let i = 0; i < 6; i++) {
      const sync = { sync_id: `s-${i}`, entity_type: 'meter', entity_id: `m-${i % 2}`, device_id: 'd-1', fields: ['value', 'unit'].slice(0, 1 + (i % 2)), synced_at: new Date(Date.now() - i * 60_000).toISOString() };
      expect((await post(guard, '/api/v2/ml/conflict-predictions', { entity_type: 'meter', entity_id: `m-${i % 2}`, device_id: 'd-1', fields: ['value'], sync_id: `s-${i}` })).status).toBe(201);
      expect((await post(guard, '/api/v2/sync/events', sync)).status).toBe(201);
      if (i % 3 === 0) expect((await post(guard, '/api/v2/sync/conflicts', { sync_id: `s-${i}`, resolution_type: 'merged' })).status).toBe(201);
    }
    await runActiveLearning(app, ops);
    await waitQuiet(app.baseUrl, ops);

    const events = app.app.get<EventStore>(EVENT_STORE);
    const head = await events.headPosition();
    const log = await events.readAll({ after: 0, limit: head + 1 });
    const delivered = await app.app.get(SharedLog).read(0, head + 1);
    expect(new Set(log.map((e) => e.type)).size).toBeGreaterThanOrEqual(10);
    expect(delivered).toStrictEqual(log);
    if (events instanceof SqliteEventStore) {
      // Most were taken as recorded: the check above compared those with their reads.
      const stats = events.subscriptionStats();
      expect(stats.recorded).toBeGreaterThan(log.length / 2);
    }
  });
});

import { ManualClock } from '../../src/domain/shared/clock';
import { newId } from '../../src/domain/shared/ids';
import { EVENT_STORE, EventStore } from '../../src/ports/event-store.port';
import { TestApp, startTestApp } from '../support/app';
import { renderMeterPhoto } from '../support/photos';
import { ScriptedOcrEngine, call, eventually, uploadMeterAt } from '../training/training-helpers';

jest.setTimeout(120_000);

interface Parked {
  position: string;
  event_type: string;
  error: string;
  attempts: number;
  parked_at: string;
}
interface ProjectionItem {
  name: string;
  checkpoint: string;
  status: string;
  parked: Parked[];
  last_rebuild: { at: string } | null;
}
interface OpsAnswer {
  items: ProjectionItem[];
  sagas: { name: string; parked: Parked[] }[];
}

describe('a poison event', () => {
  const clock = new ManualClock('2026-01-05T08:00:00.000Z');
  const ocr = new ScriptedOcrEngine();
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  let app: TestApp;
  let ops: string;
  let guard: string;
  let seed = 0;

  async function reading(): Promise<number> {
    seed += 1;
    const photo = await renderMeterPhoto(String(2000 + seed), { noise: 3, seed });
    ocr.script(photo, String(2000 + seed), 0.35);
    return Number((await uploadMeterAt(app, guard, photo)).position);
  }

  async function projections(): Promise<OpsAnswer> {
    const res = await call<OpsAnswer>(app, 'GET', '/api/v2/ops/projections', { token: ops });
    expect(res.status).toBe(200);
    return res.body;
  }
  const named = async (name: string) => (await projections()).items.find((p) => p.name === name) as ProjectionItem;

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    app = await startTestApp({ clock, ocrEngine: ocr, env: { HANDLER_MAX_ATTEMPTS: '3' } });
    ops = app.token({ sub: 'ops-1', tenant: 'acme', roles: ['ops'] });
    guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
  });
  afterAll(async () => {
    await app.close();
    process.off('unhandledRejection', onRejection);
  });

  it('is retried, parked, shown to ops, skipped by ops; nothing else stalls and a rebuild agrees', async () => {
    await reading();
    // An event an older writer left in the log: its time is a number, which the monitoring
    // projection cannot read. Only that projection handles its type.
    const events = app.app.get<EventStore>(EVENT_STORE);
    const poison = await events.append(
      'capture-monitor-legacy',
      [{ eventId: newId(), type: 'CaptureResumed', data: { tenantId: 'acme' }, metadata: { tenantId: 'acme', actorId: 'legacy', correlationId: newId(), causationId: null, occurredAt: 12345 as unknown as string, schemaVersion: 1 } }],
      'any',
    );
    const after = await reading();

    const parked = await eventually(async () => (await named('training-monitoring')).parked[0]);
    expect(parked).toMatchObject({ position: String(poison.position), event_type: 'CaptureResumed', attempts: 3 });
    expect(parked.error).toMatch(/slice/);
    expect((await named('training-monitoring')).status).toBe('stalled');
    // The others went on past the poison event.
    await eventually(async () => (Number((await named('readings')).checkpoint) >= after ? true : null));
    expect((await projections()).items.filter((p) => p.parked.length > 0).map((p) => p.name)).toEqual(['training-monitoring']);

    const stalled = await call<{ message: string }>(app, 'GET', `/api/v2/ml-training/metrics?days=7&min_position=${after}`, { token: ops });
    expect(stalled.status).toBe(503);
    expect(JSON.stringify(stalled.body)).toContain('training-monitoring');
    expect(JSON.stringify(stalled.body)).toContain(String(poison.position));
    expect((await call(app, 'GET', '/api/v2/ml-training/metrics?days=7', { token: ops })).status).toBe(200);

    const base = `/api/v2/ops/projections/training-monitoring/parked`;
    expect((await call(app, 'POST', `${base}/${after}/skip`, { token: ops })).status).toBe(404);
    expect((await call(app, 'POST', `${base}/${poison.position}/skip`, { token: guard })).status).toBe(403);
    const skipped = await call<{ decision: string; decided_by: string }>(app, 'POST', `${base}/${poison.position}/skip`, { token: ops });
    expect(skipped.status).toBe(200);
    expect(skipped.body).toMatchObject({ decision: 'skip', decided_by: 'ops-1' });
    expect((await call(app, 'POST', `${base}/${poison.position}/skip`, { token: ops })).status).toBe(404);

    const metrics = await eventually(async () => {
      const res = await call<{ readings_per_day: { count: number }[] }>(app, 'GET', `/api/v2/ml-training/metrics?days=7&min_position=${after}`, { token: ops });
      return res.status === 200 ? res.body : null;
    });
    expect(metrics.readings_per_day.reduce((n, d) => n + d.count, 0)).toBe(2);
    expect((await named('training-monitoring')).parked).toEqual([]);
    const decisions = await events.readStream('ops-handlers');
    expect(decisions.map((e) => ({ type: e.type, actor: e.metadata.actorId, handler: e.data.handler, position: e.data.position }))).toEqual([
      { type: 'ParkedEventSkipped', actor: 'ops-1', handler: 'projection:training-monitoring', position: poison.position },
    ]);

    // A rebuild from the log meets the poison event again and skips it as recorded.
    const before = metrics;
    expect((await call(app, 'POST', '/api/v2/ops/projections/training-monitoring/rebuild', { token: ops })).status).toBe(202);
    await eventually(async () => ((await named('training-monitoring')).last_rebuild ? true : null));
    const rebuilt = await call(app, 'GET', `/api/v2/ml-training/metrics?days=7&min_position=${after}`, { token: ops });
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body).toEqual(before);
    expect((await named('training-monitoring')).parked).toEqual([]);
    expect(rejections).toEqual([]);
  });
});

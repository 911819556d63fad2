import { TestApp, startTestApp } from '../support/app';
import { renderMeterPhoto, renderPlatePhoto } from '../support/photos';
import { call, photoForm } from './readings-helpers';

jest.setTimeout(120_000);

/** Every answer that creates a stream names it, and the audit endpoints take that name as it is. */
describe('stream names in answers', () => {
  let app: TestApp;
  let guard: string;
  let auditor: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { OCR_WORKERS: '1' } });
    guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    auditor = app.token({ sub: 'a1', tenant: 'acme', roles: ['auditor'] });
  });
  afterAll(() => app.close());

  const verified = async (stream: string) => (await call<{ valid: boolean; events_checked: number }>(app, 'GET', `/api/v2/audit/streams/${encodeURIComponent(stream)}/verify`, { token: auditor })).body;

  it('given a meter reading and a vehicle entry, then each answer names its stream and the stream verifies', async () => {
    const reading = await call<{ reading_id: string; stream: string }>(app, 'POST', '/api/v2/meter-readings', { token: guard, form: photoForm({ asset_id: 'm1' }, await renderMeterPhoto('0871.25')) });
    expect(reading.body.stream).toBe(`reading-${reading.body.reading_id}`);
    const entry = await call<{ entry_id: string; stream: string }>(app, 'POST', '/api/v2/vehicle-entries', { token: guard, form: photoForm({ gate_id: 'north' }, await renderPlatePhoto('KMN4821')) });
    expect(entry.body.stream).toBe(`entry-${entry.body.entry_id}`);
    for (const stream of [reading.body.stream, entry.body.stream]) {
      expect(await verified(stream)).toMatchObject({ valid: true, events_checked: 1 });
    }
  });
});

import { TestApp, startTestApp } from '../support/app';
import { renderMeterPhoto } from '../support/photos';
import { waitQuiet } from '../support/read-models';
import { call, photoForm } from '../readings/readings-helpers';

jest.setTimeout(180_000);

interface MeterAnswer {
  value: number | null;
  raw_text: string;
  confidence: number;
  captured_for_training: boolean;
}

/**
 * Counters that know their width, through the real app and default engine: a cut counter, one
 * with fewer digits than declared or learned, and one going backwards are doubted and captured;
 * a rollover and a reading after a declared replacement are not.
 */
describe('counter width and history at capture (real app, default engine)', () => {
  let app: TestApp;
  let guard: string;
  let ops: string;
  const read = async (asset: string, text: string): Promise<MeterAnswer> => {
    const res = await call<MeterAnswer>(app, 'POST', '/api/v2/meter-readings', { token: guard, form: photoForm({ asset_id: asset }, await renderMeterPhoto(text)) });
    expect(res.status).toBe(201);
    await waitQuiet(app.baseUrl, ops);
    return res.body;
  };
  const declare = (asset: string, body: unknown) => call(app, 'PUT', `/api/v2/assets/${asset}/counter`, { token: ops, json: body });

  beforeAll(async () => {
    app = await startTestApp();
    guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    ops = app.token({ sub: 'o1', tenant: 'acme', roles: ['ops'] });
  });
  afterAll(() => app.close());

  it('given a declared 6-digit counter, then a cut reading and one going backwards are below 0.7 and captured', async () => {
    expect((await declare('m1', { digits: 6, decimals: 1 })).status).toBe(200);
    const full = await read('m1', '00731.0');
    expect(full).toMatchObject({ value: 731, captured_for_training: false });
    const cut = await read('m1', '0073');
    expect(cut.value).toBe(73);
    expect(cut).toMatchObject({ captured_for_training: true });
    expect(cut.confidence).toBeLessThan(0.7);
    const backwards = await read('m1', '00512.4');
    expect(backwards.value).toBe(512.4);
    expect(backwards).toMatchObject({ captured_for_training: true });
    expect(backwards.confidence).toBeLessThan(0.7);
  });

  it('given no declaration, then the width is learned from the confident readings and a short one is captured', async () => {
    expect(await read('m2', '004512')).toMatchObject({ captured_for_training: false });
    const short = await read('m2', '4513');
    expect(short).toMatchObject({ value: 4513, captured_for_training: true });
  });

  it('given a counter near its maximum, then a small reading is a rollover and stays trusted', async () => {
    expect((await declare('m3', { digits: 5, decimals: 0 })).status).toBe(200);
    expect(await read('m3', '99950')).toMatchObject({ captured_for_training: false });
    expect(await read('m3', '00012')).toMatchObject({ value: 12, captured_for_training: false });
  });

  it('given the counter was declared replaced, then a lower reading stays trusted', async () => {
    expect(await read('m4', '08000')).toMatchObject({ captured_for_training: false });
    expect((await call(app, 'POST', '/api/v2/assets/m4/replaced', { token: ops })).status).toBe(201);
    expect(await read('m4', '00010')).toMatchObject({ value: 10, captured_for_training: false });
  });

  it('given a bad declaration or a guard, then 4xx', async () => {
    expect((await declare('m5', { digits: 0, decimals: 0 })).status).toBe(400);
    expect((await declare('m5', { digits: 4, decimals: 4 })).status).toBe(400);
    expect((await call(app, 'PUT', '/api/v2/assets/m5/counter', { token: guard, json: { digits: 5, decimals: 0 } })).status).toBe(403);
  });
});

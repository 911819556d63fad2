import sharp from 'sharp';
import { TestApp, startTestApp } from '../support/app';
import { renderPlatePhoto } from '../support/photos';
import { waitQuiet } from '../support/read-models';
import { call, photoForm } from '../readings/readings-helpers';

jest.setTimeout(180_000);

interface EntryAnswer {
  plate: string;
  raw_text: string;
  plate_format: string | null;
  confidence: number;
  captured_for_training: boolean;
}

/** A two-row plate: the upper row over the lower one, at the same size. */
async function twoRowPlate(top: string, bottom: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="220" height="160"><rect width="100%" height="100%" fill="#777"/>
  <rect x="6" y="6" width="208" height="148" rx="8" fill="#f7f7f2" stroke="#111" stroke-width="4"/>
  <text x="50%" y="48" dominant-baseline="central" text-anchor="middle" font-family="DejaVu Sans" font-weight="bold" font-size="56" fill="#111">${top}</text>
  <text x="50%" y="116" dominant-baseline="central" text-anchor="middle" font-family="DejaVu Sans" font-weight="bold" font-size="56" fill="#111">${bottom}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/**
 * Plates of other countries through the real app and its default engine: read in full, never
 * forced into another country's layout, and the format matched is part of the answer.
 */
describe('plate formats per tenant (real app, default engine, generated plates)', () => {
  let app: TestApp;
  const guard = (tenant: string): string => app.token({ sub: `g-${tenant}`, tenant, roles: ['guard'] });
  const ops = (tenant: string): string => app.token({ sub: `o-${tenant}`, tenant, roles: ['ops'] });
  const enter = async (tenant: string, photo: Buffer): Promise<EntryAnswer> => {
    const res = await call<EntryAnswer>(app, 'POST', '/api/v2/vehicle-entries', { token: guard(tenant), form: photoForm({ gate_id: 'north' }, photo) });
    expect(res.status).toBe(201);
    return res.body;
  };
  const configure = (tenant: string, formats: unknown) => call<{ configured: string[] }>(app, 'PUT', '/api/v2/ocr/plate-formats', { token: ops(tenant), json: { formats } });

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('given no formats configured, then an Indian 10-character plate is read in full, no layout preferred', async () => {
    const entry = await enter('fresh', await renderPlatePhoto('KA05MN4821', { width: 450 }));
    expect(entry).toMatchObject({ plate: 'KA05MN4821', raw_text: 'KA05MN4821', plate_format: null });
  });

  it('given formats configured, then Indian, UK, Mercosur and two-row plates are read in full with the format matched', async () => {
    expect((await configure('multi', ['IN', 'UK', 'BR', 'LLDDDD', 'DDLLLDD'])).status).toBe(200);
    const cases: Array<[Buffer, string, string]> = [
      [await renderPlatePhoto('MH12AB7731', { width: 450 }), 'MH12AB7731', 'IN'],
      [await renderPlatePhoto('DL3CAQ9172', { width: 450 }), 'DL3CAQ9172', 'IN'],
      [await renderPlatePhoto('AB12CDE'), 'AB12CDE', 'UK'],
      [await renderPlatePhoto('BRA2E19'), 'BRA2E19', 'BR'],
      [await twoRowPlate('AB', '1234'), 'AB1234', 'LLDDDD'],
      [await twoRowPlate('12', 'ABC34'), '12ABC34', 'DDLLLDD'],
    ];
    for (const [photo, plate, format] of cases) expect(await enter('multi', photo)).toMatchObject({ plate, plate_format: format });
  });

  it('given a reading that fits no configured format, then it keeps its text and is captured below 0.7', async () => {
    expect((await configure('br-only', ['BR'])).status).toBe(200);
    const entry = await enter('br-only', await renderPlatePhoto('KA05MN4821', { width: 450 }));
    expect(entry).toMatchObject({ plate: 'KA05MN4821', raw_text: 'KA05MN4821', plate_format: null, captured_for_training: true });
    expect(entry.confidence).toBeLessThan(0.7);
  });

  it('given a look-alike, then the configured layout may swap it only at a lower confidence, and the raw text is kept', async () => {
    const unconfigured = await enter('fresh', await renderPlatePhoto('W053011'));
    expect(unconfigured).toMatchObject({ plate: 'W053011', plate_format: null });
    expect((await configure('br-swap', ['BR'])).status).toBe(200);
    const swapped = await enter('br-swap', await renderPlatePhoto('A8C1234'));
    expect(swapped).toMatchObject({ plate: 'ABC1234', raw_text: 'A8C1234', plate_format: 'BR' });
    expect(swapped.confidence).toBeLessThan(unconfigured.confidence);
  });

  it('given bad formats or a role other than ops, then 4xx and nothing changes', async () => {
    expect((await configure('bad', ['XX', 'LLQ'])).status).toBe(400);
    expect((await configure('bad', 'BR')).status).toBe(400);
    const guardPut = await call(app, 'PUT', '/api/v2/ocr/plate-formats', { token: guard('bad'), json: { formats: ['BR'] } });
    expect(guardPut.status).toBe(403);
    const got = await call<{ configured: string[]; in_force: unknown[] }>(app, 'GET', '/api/v2/ocr/plate-formats', { token: ops('bad') });
    expect(got.body).toMatchObject({ configured: [], in_force: [] });
    expect((await call<{ configured: string[] }>(app, 'GET', '/api/v2/ocr/plate-formats', { token: ops('br-only') })).body.configured).toEqual(['BR']);
  });
});

describe('plate formats learned from the labels of each tenant', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('given corrected plates of one layout, then that tenant reads a look-alike in that layout, another tenant does not', async () => {
    const guard = (tenant: string): string => app.token({ sub: `g-${tenant}`, tenant, roles: ['guard'] });
    const ops = app.token({ sub: 'o1', tenant: 'learner', roles: ['ops'] });
    const enter = async (tenant: string, text: string): Promise<EntryAnswer & { entry_id: string }> =>
      (await call<EntryAnswer & { entry_id: string }>(app, 'POST', '/api/v2/vehicle-entries', { token: guard(tenant), form: photoForm({ gate_id: 'north' }, await renderPlatePhoto(text)) })).body;
    const before = await enter('learner', 'A8C1234');
    expect(before).toMatchObject({ plate: 'A8C1234', plate_format: null });
    for (const [i, plate] of ['AXC1234', 'QRS5678', 'KLM2468', 'TUV1357', 'XYZ9753', 'DEF8642', 'GHJ1470', 'NPR2581', 'BCD3692', 'LMN7410'].entries()) {
      const entry = await enter('learner', plate);
      const corrected = await call(app, 'POST', '/api/v2/ml-training/corrections', {
        token: guard('learner'),
        json: { source_type: 'vehicle_entry', source_id: entry.entry_id, corrected_text: plate, correction_type: 'OCR_ERROR' },
        headers: { 'idempotency-key': `learn-${i}` },
      });
      expect(corrected.status).toBeLessThan(300);
    }
    await waitQuiet(app.baseUrl, ops);
    const formats = await call<{ learned: Array<{ format: string; share: number }> }>(app, 'GET', '/api/v2/ocr/plate-formats', { token: ops });
    expect(formats.body.learned).toEqual([{ format: 'LLLDDDD', share: 1 }]);
    const after = await enter('learner', 'A8C1234');
    expect(after).toMatchObject({ plate: 'ABC1234', raw_text: 'A8C1234', plate_format: 'LLLDDDD' });
    expect(after.confidence).toBeLessThan(before.confidence);
    expect(await enter('other', 'A8C1234')).toMatchObject({ plate: 'A8C1234', plate_format: null });
  });
});

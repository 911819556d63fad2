import { READ_STORE, ReadStore } from '../../src/ports/read-store.port';
import { IDEMPOTENCY_COLLECTION } from '../../src/infrastructure/http/idempotency.interceptor';
import { sha256Hex } from '../../src/domain/shared/sha256';
import { TestApp, startTestApp } from '../support/app';
import { renderMeterPhoto } from '../support/photos';
import { auditEvents, call, photoForm } from './readings-helpers';

jest.setTimeout(120_000);

/** One rule for the Idempotency-Key: printable ASCII, at most 128; a reused key with another body is 422. */
describe('Idempotency-Key', () => {
  let app: TestApp;
  let guard: string;
  let auditor: string;
  let photo: Buffer;
  let reading: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { OCR_WORKERS: '1' } });
    guard = app.token({ sub: 'g1', tenant: 'acme', roles: ['guard'] });
    auditor = app.token({ sub: 'a1', tenant: 'acme', roles: ['auditor'] });
    photo = await renderMeterPhoto('0871.25');
    const first = await call<{ reading_id: string }>(app, 'POST', '/api/v2/meter-readings', { token: guard, form: photoForm({ asset_id: 'meter-1' }, photo), headers: { 'idempotency-key': 'cap-1' } });
    expect(first.status).toBe(201);
    reading = first.body.reading_id;
  });
  afterAll(() => app.close());

  const correction = (text: string) => ({ source_type: 'meter_reading', source_id: reading, corrected_text: text, correction_type: 'OCR_ERROR' });

  /** The capture saga appends each example's event after the answer: the log's length once `n` are there. */
  async function eventsOnceCorrected(n: number): Promise<number> {
    let count = 0;
    for (let tries = 0; tries < 400; tries++) {
      const events = await auditEvents(app, auditor);
      count = events.length;
      if (events.filter((e) => e.type === 'TrainingExampleCorrected').length >= n) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    return count;
  }

  it('given a key used for one correction, when it is reused with another body, then 422 naming the key and nothing appended', async () => {
    const first = await call(app, 'POST', '/api/v2/ml-training/corrections', { token: guard, json: correction('0871.26'), headers: { 'idempotency-key': 'fix-7' } });
    expect(first.status).toBe(201);
    const before = await eventsOnceCorrected(1);
    const same = await call(app, 'POST', '/api/v2/ml-training/corrections/', { token: guard, json: correction('0871.26'), headers: { 'idempotency-key': 'fix-7' } });
    expect(same.status).toBe(201);
    expect(same.body).toEqual(first.body);
    const other = await call<{ status_code: number; message: string }>(app, 'POST', '/api/v2/ml-training/corrections', { token: guard, json: correction('0871.99'), headers: { 'idempotency-key': 'fix-7' } });
    expect(other.status).toBe(422);
    expect(other.body.status_code).toBe(422);
    expect(other.body.message).toContain('fix-7');
    expect(await auditEvents(app, auditor)).toHaveLength(before);
  });

  it('given a key used for one correction, when it is reused for another reading, then 422 naming the key and nothing appended', async () => {
    const second = await call<{ reading_id: string }>(app, 'POST', '/api/v2/meter-readings', { token: guard, form: photoForm({ asset_id: 'meter-3' }, photo), headers: { 'idempotency-key': 'cap-3' } });
    expect(second.status).toBe(201);
    const first = await call(app, 'POST', '/api/v2/ml-training/corrections', { token: guard, json: correction('0871.40'), headers: { 'idempotency-key': 'fix-9' } });
    expect(first.status).toBe(201);
    const before = await eventsOnceCorrected(2);
    const elsewhere = { ...correction('0871.40'), source_id: second.body.reading_id };
    const other = await call<{ message: string }>(app, 'POST', '/api/v2/ml-training/corrections', { token: guard, json: elsewhere, headers: { 'idempotency-key': 'fix-9' } });
    expect(other.status).toBe(422);
    expect(other.body.message).toContain('fix-9');
    expect(await auditEvents(app, auditor)).toHaveLength(before);
  });

  it("given a fresh key on a meter reading's correction, then its record is not read before the correction is decided: one write that answers an earlier record", async () => {
    const store = app.app.get<ReadStore>(READ_STORE);
    const reads: string[] = [];
    const get = store.get.bind(store);
    store.get = (collection, id) => {
      if (collection === IDEMPOTENCY_COLLECTION) reads.push(id);
      return get(collection, id);
    };
    try {
      const res = await call(app, 'POST', '/api/v2/ml-training/corrections', { token: guard, json: correction('0871.41'), headers: { 'idempotency-key': 'fix-fresh' } });
      expect(res.status).toBe(201);
      expect(reads).toEqual([]);
    } finally {
      store.get = get;
    }
  });

  it("given a fresh key on a meter reading's correction, then its record is written in the correction's own append: stored by the answer with no write of its own; a retry's check finds it after its handler", async () => {
    const store = app.app.get<ReadStore>(READ_STORE);
    const writes: string[] = [];
    const insertIfAbsent = store.insertIfAbsent.bind(store);
    store.insertIfAbsent = (collection, id, doc) => {
      if (collection === IDEMPOTENCY_COLLECTION) writes.push(id);
      return insertIfAbsent(collection, id, doc);
    };
    try {
      const res = await call(app, 'POST', '/api/v2/ml-training/corrections', { token: guard, json: correction('0871.42'), headers: { 'idempotency-key': 'fix-claimed' } });
      expect(res.status).toBe(201);
      expect(writes).toEqual([]);
      const record = await store.get<{ fingerprint: string }>(IDEMPOTENCY_COLLECTION, sha256Hex(JSON.stringify(['acme', 'g1', 'fix-claimed'])));
      expect(record?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      // A retry appends nothing, so its check writes (finds) the record after the handler.
      const retry = await call(app, 'POST', '/api/v2/ml-training/corrections', { token: guard, json: correction('0871.42'), headers: { 'idempotency-key': 'fix-claimed' } });
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(res.body);
      expect(writes).toHaveLength(1);
    } finally {
      store.insertIfAbsent = insertIfAbsent;
    }
  });

  it('given two corrections of one reading sent at once under one key with different bodies, then one is recorded and the other is 422', async () => {
    const [a, b] = await Promise.all(
      ['0871.50', '0871.51'].map((text) => call<{ correction_id?: string; message?: string }>(app, 'POST', '/api/v2/ml-training/corrections', { token: guard, json: correction(text), headers: { 'idempotency-key': 'fix-race' } })),
    );
    expect([a.status, b.status].sort()).toEqual([201, 422]);
    const refused = a.status === 422 ? a : b;
    expect(refused.body.message).toContain('fix-race');
    const events = await auditEvents(app, auditor);
    const mine = events.filter((e) => e.type === 'CorrectionSubmitted' && ['0871.50', '0871.51'].includes((e.data as { correctedText: string }).correctedText));
    expect(mine).toHaveLength(1);
  });

  it('given a key used for one capture, when it is reused with other form fields, then 422 naming the key', async () => {
    const again = await call(app, 'POST', '/api/v2/meter-readings', { token: guard, form: photoForm({ asset_id: 'meter-1' }, photo), headers: { 'idempotency-key': 'cap-1' } });
    expect(again.status).toBe(201);
    const other = await call<{ message: string }>(app, 'POST', '/api/v2/meter-readings', { token: guard, form: photoForm({ asset_id: 'meter-2' }, photo), headers: { 'idempotency-key': 'cap-1' } });
    expect(other.status).toBe(422);
    expect(other.body.message).toContain('cap-1');
  });

  it('given the same key from another user, then it is that user\'s own key', async () => {
    const other = app.token({ sub: 'g2', tenant: 'acme', roles: ['guard'] });
    const res = await call(app, 'POST', '/api/v2/ml-training/corrections', { token: other, json: correction('0871.55'), headers: { 'idempotency-key': 'fix-7' } });
    expect(res.status).toBe(201);
  });

  it.each([
    ['/api/v2/ml-training/corrections', () => correction('1')],
    ['/api/v2/sync/conflicts', () => ({ sync_id: 'nope', resolution_type: 'server_wins' })],
    ['/api/v2/ml/conflict-predictions', () => ({ entity_type: 'meter_reading', entity_id: 'm1' })],
  ])('given a key of 129 characters, when %s is called, then 400 naming Idempotency-Key', async (path, body) => {
    const res = await call<{ message: string }>(app, 'POST', path, { token: guard, json: body(), headers: { 'idempotency-key': 'k'.repeat(129) } });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('Idempotency-Key');
  });

  it('given a 128-character key of printable ASCII with / and =, when a correction is sent, then it is accepted', async () => {
    const key = `a/b=c+${'x'.repeat(122)}`;
    expect(key).toHaveLength(128);
    const res = await call(app, 'POST', '/api/v2/ml-training/corrections', { token: guard, json: correction('0871.31'), headers: { 'idempotency-key': key } });
    expect(res.status).toBe(201);
  });

  it('given a printable key with / on the conflicts endpoint, then the key is not what is refused', async () => {
    const res = await call<{ message: string }>(app, 'POST', '/api/v2/sync/conflicts', { token: guard, json: { sync_id: 'nope', resolution_type: 'server_wins' }, headers: { 'idempotency-key': 'a/b=c' } });
    expect(res.body.message ?? '').not.toContain('Idempotency-Key');
  });
});

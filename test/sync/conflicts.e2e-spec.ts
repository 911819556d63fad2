import { ManualClock } from '../../src/domain/shared/clock';
import { TestApp, startTestApp } from '../support/app';
import { client } from './http-client';
import { checkedFetch } from '../support/wire';

const T0 = '2026-03-01T12:00:00.000Z';

interface ConflictAnswer {
  conflict_id: string;
  sync_id: string;
  resolution_type: string;
  resolved_at: string;
  position: string;
}

/** A conflict is recorded once: repeats answer the first one and append nothing. */
describe('POST /api/v2/sync/conflicts: resolution types and repeats (e2e)', () => {
  const clock = new ManualClock(T0);
  let app: TestApp;
  const guard = () => client(() => app.baseUrl, app.token({ sub: 'g', tenant: 'acme', roles: ['guard'] }));
  const conflictEvents = async (syncId: string) => {
    const token = app.token({ sub: 'a', tenant: 'acme', roles: ['auditor'] });
    const res = await checkedFetch(app.baseUrl, `/api/v2/audit/streams/sync-acme_${syncId}/events`, { headers: { authorization: `Bearer ${token}` } });
    return ((await res.json()) as { items: { type: string }[] }).items.filter((e) => e.type === 'ConflictResolved').length;
  };

  beforeAll(async () => {
    app = await startTestApp({ clock });
    for (const id of ['s1', 's2', 's3', 's4']) {
      expect((await guard().post('/api/v2/sync/events', { sync_id: id, entity_type: 'meter', entity_id: 'm', device_id: 'd', fields: ['value', 'unit'] })).status).toBe(201);
    }
  });
  afterAll(async () => app.close());

  it('accepts only the documented resolution types', async () => {
    for (const t of ['whatever', 'merge', 'SERVER_WINS', '']) {
      const res = await guard().post<{ message: string }>('/api/v2/sync/conflicts', { sync_id: 's1', resolution_type: t });
      expect(res.status).toBe(400);
      expect(String(res.body.message)).toContain('manual, client_wins, server_wins, merged, discarded');
    }
    expect(await conflictEvents('s1')).toBe(0);
    for (const [i, t] of ['manual', 'client_wins', 'server_wins', 'merged', 'discarded'].entries()) {
      expect((await guard().post('/api/v2/sync/conflicts', { sync_id: `s${(i % 2) + 3}`, resolution_type: t })).status).toBe(201);
    }
  });

  it('answers a repeat with the same sync and type with the first conflict, 200, appending nothing', async () => {
    const first = await guard().post<ConflictAnswer>('/api/v2/sync/conflicts', { sync_id: 's1', resolution_type: 'server_wins' });
    expect(first.status).toBe(201);
    clock.advance(60_000);
    const again = await guard().post<ConflictAnswer>('/api/v2/sync/conflicts', { sync_id: 's1', resolution_type: 'server_wins' });
    expect(again.status).toBe(200);
    expect({ ...again.body, position: first.body.position }).toEqual(first.body);
    expect(await conflictEvents('s1')).toBe(1);
  });

  it('treats the same conflict_id or Idempotency-Key as the same conflict', async () => {
    const a = await guard().post<ConflictAnswer>('/api/v2/sync/conflicts', { sync_id: 's2', resolution_type: 'manual', conflict_id: 'c-1', fields: ['value'] });
    expect(a.status).toBe(201);
    const b = await guard().post<ConflictAnswer>('/api/v2/sync/conflicts', { sync_id: 's2', resolution_type: 'manual', conflict_id: 'c-1', fields: ['value'] });
    expect(b.status).toBe(200);
    expect(b.body.conflict_id).toBe('c-1');

    const token = app.token({ sub: 'g', tenant: 'acme', roles: ['guard'] });
    const post = () =>
      checkedFetch(app.baseUrl, '/api/v2/sync/conflicts', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'k-77' },
        body: JSON.stringify({ sync_id: 's2', resolution_type: 'client_wins', fields: ['unit'] }),
      });
    const k1 = await post();
    const k2 = await post();
    expect([k1.status, k2.status]).toEqual([201, 200]);
    expect(((await k2.json()) as ConflictAnswer).conflict_id).toBe(((await k1.json()) as ConflictAnswer).conflict_id);
    expect(await conflictEvents('s2')).toBe(2);
  });

  it('still records several conflicts of one sync on different fields', async () => {
    const value = await guard().post('/api/v2/sync/conflicts', { sync_id: 's2', resolution_type: 'manual', fields: ['unit'] });
    const same = await guard().post('/api/v2/sync/conflicts', { sync_id: 's2', resolution_type: 'manual', fields: ['unit'] });
    expect([value.status, same.status]).toEqual([201, 200]);
    expect(await conflictEvents('s2')).toBe(3);
  });
});

import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors';
import { RecordSync, ResolveConflict, SyncState, syncDecider } from './sync.decider';
import { SyncEvent } from './sync.events';

const record: RecordSync = {
  type: 'RecordSync',
  syncId: 's1',
  tenantId: 'acme',
  userId: 'u1',
  deviceId: 'd1',
  entityType: 'meter',
  entityId: 'm1',
  fields: ['value', 'unit', 'value'],
  syncedAt: '2026-01-01T10:00:00Z',
  syncedAtGiven: true,
};
const resolve: ResolveConflict = {
  type: 'ResolveConflict',
  conflictId: 'c1',
  syncId: 's1',
  tenantId: 'acme',
  resolutionType: 'server_wins',
  fields: null,
  resolvedBy: 'u1',
  resolvedAt: '2026-01-01T10:05:00Z',
  resolvedAtGiven: true,
};

function given(events: readonly SyncEvent[]): SyncState {
  return events.reduce(syncDecider.evolve, syncDecider.initialState);
}

describe('sync decider', () => {
  it('records a sync with its fields as a set and the time normalised', () => {
    const [event] = syncDecider.decide(record, given([]));
    expect(event).toEqual({
      type: 'SyncRecorded',
      data: expect.objectContaining({ syncId: 's1', fields: ['value', 'unit'], syncedAt: '2026-01-01T10:00:00.000Z' }),
    });
  });

  it('treats a repeated sync_id with the same content as a duplicate', () => {
    const state = given(syncDecider.decide(record, given([])));
    expect(syncDecider.decide({ ...record, fields: ['unit', 'value'] }, state)).toEqual([]);
    // A retry without synced_at matches whatever time the first attempt had.
    expect(syncDecider.decide({ ...record, syncedAt: '2026-01-02T00:00:00Z', syncedAtGiven: false }, state)).toEqual([]);
  });

  it('rejects a repeated sync_id with different content (409) or from another tenant (403)', () => {
    const state = given(syncDecider.decide(record, given([])));
    expect(() => syncDecider.decide({ ...record, entityId: 'm2' }, state)).toThrow(ConflictError);
    expect(() => syncDecider.decide({ ...record, syncedAt: '2026-01-01T11:00:00Z' }, state)).toThrow(ConflictError);
    expect(() => syncDecider.decide({ ...record, tenantId: 'other' }, state)).toThrow(ForbiddenError);
  });

  it('resolves a conflict of a known sync, copying the sync user and entity', () => {
    const state = given(syncDecider.decide(record, given([])));
    const [event] = syncDecider.decide(resolve, state);
    expect(event.type).toBe('ConflictResolved');
    expect(event.data).toEqual(expect.objectContaining({ syncId: 's1', userId: 'u1', entityId: 'm1', resolvedAt: '2026-01-01T10:05:00.000Z' }));
  });

  it('answers 404 for an unknown sync, or one of another tenant', () => {
    expect(() => syncDecider.decide(resolve, given([]))).toThrow(NotFoundError);
    const state = given(syncDecider.decide(record, given([])));
    expect(() => syncDecider.decide({ ...resolve, tenantId: 'other' }, state)).toThrow(NotFoundError);
  });

  it('is idempotent per conflict_id and refuses a conflict resolved before its sync', () => {
    const synced = given(syncDecider.decide(record, given([])));
    const state = given([...syncDecider.decide(record, given([])), ...syncDecider.decide(resolve, synced)]);
    expect(syncDecider.decide(resolve, state)).toEqual([]);
    expect(() => syncDecider.decide({ ...resolve, resolutionType: 'client_wins' }, state)).toThrow(ConflictError);
    expect(() => syncDecider.decide({ ...resolve, conflictId: 'c2', resolutionType: 'merged', resolvedAt: '2026-01-01T09:00:00Z' }, state)).toThrow(ValidationError);
    // Another id with the same sync and type is a repeat of c1: the first conflict stands, nothing appended.
    expect(syncDecider.decide({ ...resolve, conflictId: 'c2' }, state)).toEqual([]);
  });

  it('clamps a defaulted resolution time to the sync time', () => {
    const state = given(syncDecider.decide(record, given([])));
    const [event] = syncDecider.decide({ ...resolve, resolvedAt: '2026-01-01T09:59:00Z', resolvedAtGiven: false }, state);
    expect(event.data).toEqual(expect.objectContaining({ resolvedAt: '2026-01-01T10:00:00.000Z' }));
  });
});

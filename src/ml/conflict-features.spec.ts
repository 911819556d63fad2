import {
  computeConflictFeatures,
  heuristicProbability,
  PriorConflict,
  PriorSync,
  toFeatureVector,
} from './conflict-features';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const AT = Date.UTC(2024, 5, 1, 12, 0, 0);

function sync(syncId: string, userId: string, entityKey: string, at: number, fields: string[] = []): PriorSync {
  return { syncId, userId, entityKey, at, fields };
}

const target = { userId: 'u1', entityKey: 'meter:1', at: AT, fields: ['reading', 'photo'] };

describe('computeConflictFeatures', () => {
  it('returns the documented defaults with no history', () => {
    expect(computeConflictFeatures(target, [], [])).toEqual({
      concurrent_editors: 0,
      hours_since_last_sync: 168,
      user_conflict_rate: 0,
      entity_edit_frequency: 0,
      field_overlap_score: 0,
    });
  });

  it('counts distinct other users on the same entity within the 5-minute window, edges included', () => {
    const syncs = [
      sync('a', 'u2', 'meter:1', AT - 5 * MIN, ['reading']), // exactly on the window edge: counts
      sync('b', 'u2', 'meter:1', AT - 1 * MIN), // same user again: still one editor
      sync('c', 'u3', 'meter:1', AT), // at the target instant: known, counts
      sync('d', 'u4', 'meter:1', AT - 5 * MIN - 1), // just outside
      sync('e', 'u5', 'meter:2', AT - MIN), // other entity
      sync('f', 'u1', 'meter:1', AT - MIN), // the same user is not "other"
    ];
    const f = computeConflictFeatures(target, syncs, []);
    expect(f.concurrent_editors).toBe(2);
    expect(f.field_overlap_score).toBe(0.5); // 'reading' of {'reading','photo'}
  });

  it('measures hours since this user’s previous sync on any entity, capped at 168', () => {
    expect(computeConflictFeatures(target, [sync('a', 'u1', 'other', AT - 3 * HOUR)], []).hours_since_last_sync).toBe(3);
    expect(computeConflictFeatures(target, [sync('a', 'u1', 'other', AT - 30 * DAY)], []).hours_since_last_sync).toBe(168);
    expect(computeConflictFeatures(target, [sync('a', 'u2', 'other', AT - HOUR)], []).hours_since_last_sync).toBe(168);
  });

  it('computes the user conflict rate over the past 30 days', () => {
    const syncs = [
      sync('a', 'u1', 'x', AT - 1 * DAY),
      sync('b', 'u1', 'y', AT - 2 * DAY),
      sync('c', 'u1', 'z', AT - 3 * DAY),
      sync('d', 'u1', 'z', AT - 4 * DAY),
      sync('old', 'u1', 'z', AT - 31 * DAY),
    ];
    const conflicts: PriorConflict[] = [
      { syncId: 'a', userId: 'u1', at: AT - DAY },
      { syncId: 'a', userId: 'u1', at: AT - DAY }, // a second field of the same sync
      { syncId: 'old', userId: 'u1', at: AT - 31 * DAY }, // outside the window
      { syncId: 'q', userId: 'u2', at: AT - DAY }, // another user
    ];
    expect(computeConflictFeatures(target, syncs, conflicts).user_conflict_rate).toBe(0.25);
  });

  it('computes entity edits per day over 30 days, any user', () => {
    const syncs = [
      sync('a', 'u2', 'meter:1', AT - 1 * DAY),
      sync('b', 'u1', 'meter:1', AT - 29 * DAY),
      sync('c', 'u3', 'meter:1', AT - 30 * DAY),
      sync('d', 'u3', 'meter:1', AT - 30 * DAY - 1),
      sync('e', 'u3', 'meter:2', AT - DAY),
    ];
    expect(computeConflictFeatures(target, syncs, []).entity_edit_frequency).toBeCloseTo(3 / 30, 15);
  });

  it('ignores every event after the target time', () => {
    const past = [sync('a', 'u1', 'meter:1', AT - 2 * HOUR)];
    const future = [
      sync('f1', 'u2', 'meter:1', AT + 1, ['reading']),
      sync('f2', 'u1', 'meter:9', AT + HOUR),
    ];
    const conflicts: PriorConflict[] = [{ syncId: 'a', userId: 'u1', at: AT + MIN }];
    const withFuture = computeConflictFeatures(target, [...past, ...future], conflicts);
    expect(withFuture).toEqual(computeConflictFeatures(target, past, []));
    expect(withFuture.hours_since_last_sync).toBe(2);
  });

  it('leaves out the target sync itself and its own conflict (the label)', () => {
    const self = sync('me', 'u1', 'meter:1', AT, ['reading']);
    const conflicts: PriorConflict[] = [{ syncId: 'me', userId: 'u1', at: AT }];
    const f = computeConflictFeatures({ ...target, syncId: 'me' }, [self, sync('p', 'u1', 'x', AT - HOUR)], conflicts);
    expect(f.user_conflict_rate).toBe(0);
    expect(f.hours_since_last_sync).toBe(1);
    expect(f.entity_edit_frequency).toBe(0);
  });
});

describe('heuristicProbability', () => {
  it('follows heuristic_v1', () => {
    const base = { concurrent_editors: 0, hours_since_last_sync: 1, user_conflict_rate: 0, entity_edit_frequency: 9, field_overlap_score: 0 };
    expect(heuristicProbability(base)).toBeCloseTo(0.1, 15);
    expect(heuristicProbability({ ...base, hours_since_last_sync: 24 })).toBeCloseTo(0.1, 15);
    expect(heuristicProbability({ ...base, hours_since_last_sync: 24.01 })).toBeCloseTo(0.2, 15);
    const mixed = { ...base, concurrent_editors: 1, user_conflict_rate: 0.2, field_overlap_score: 0.5 };
    expect(heuristicProbability(mixed)).toBeCloseTo(0.1 + 0.15 + 0.1 + 0.1, 15);
    expect(heuristicProbability(toFeatureVector(mixed))).toBeCloseTo(0.45, 15);
  });

  it('caps at 0.95', () => {
    expect(heuristicProbability([10, 100, 1, 0, 1])).toBe(0.95);
  });
});

import { CURRENT_FEATURE_DEFINITION, HISTORY_WINDOW_DAYS, PriorConflict, PriorSync, computeConflictFeatures } from './conflict-features';

const DAY = 24 * 3600_000;
const AT = Date.parse('2026-06-30T12:00:00Z');
const FROM = AT - HISTORY_WINDOW_DAYS * DAY;
const sync = (syncId: string, at: number): PriorSync => ({ syncId, userId: 'u', entityKey: 't/meter/m', at, fields: ['value'] });
const conflict = (syncId: string, at: number): PriorConflict => ({ syncId, userId: 'u', at });
const rate = (syncs: PriorSync[], conflicts: PriorConflict[], definition: 1 | 2 = CURRENT_FEATURE_DEFINITION) =>
  computeConflictFeatures({ userId: 'u', entityKey: 't/meter/x', at: AT, fields: [] }, syncs, conflicts, definition).user_conflict_rate;

describe('user_conflict_rate: share of the syncs made in the window whose conflict was known then', () => {
  it('does not count a conflict on a sync made 1 ms before the window, though resolved inside it', () => {
    const syncs = [sync('edge', FROM - 1), sync('in', FROM + DAY)];
    const conflicts = [conflict('edge', FROM + 2 * DAY)];
    expect(rate(syncs, conflicts)).toBe(0);
    // The first definition counted it against the one sync inside the window (and needed its cap).
    expect(rate(syncs, conflicts, 1)).toBe(1);
  });

  it('counts a sync made exactly on the window edge whose conflict is known by `at`', () => {
    const syncs = [sync('edge', FROM), sync('in', FROM + DAY)];
    expect(rate(syncs, [conflict('edge', FROM + 1)])).toBe(0.5);
  });

  it('does not count a conflict known only after `at` (point in time), nor a sync twice for two conflicts', () => {
    const syncs = [sync('a', AT - DAY), sync('b', AT - 2 * DAY)];
    expect(rate(syncs, [conflict('a', AT + 1)])).toBe(0);
    expect(rate(syncs, [conflict('a', AT), conflict('a', AT - 1)])).toBe(0.5);
  });

  it('never exceeds 1 without a cap', () => {
    const syncs = [sync('a', AT - DAY)];
    expect(rate(syncs, [conflict('a', AT - 1), conflict('old', AT - 2), conflict('older', AT - 3)])).toBe(1);
  });
});

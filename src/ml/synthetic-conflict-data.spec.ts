import { isoFromEpochMs, syntheticConflictRows } from './synthetic-conflict-data';

describe('isoFromEpochMs', () => {
  it.each([0, 951_782_400_000, 1_709_210_096_789, 4_107_542_399_999, -86_400_001])('matches Date for %d', (ms) => {
    // The spec may use Date as an oracle; the code under test does not.
    expect(isoFromEpochMs(ms)).toBe(new Date(ms).toISOString());
  });
});

describe('syntheticConflictRows', () => {
  it('is deterministic and has both classes', () => {
    const a = syntheticConflictRows(500, { seed: 3 });
    expect(syntheticConflictRows(500, { seed: 3 })).toEqual(a);
    const positives = a.filter((r) => r.label === 1).length;
    expect(positives).toBeGreaterThan(25);
    expect(positives).toBeLessThan(400);
  });
});

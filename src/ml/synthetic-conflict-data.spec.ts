import { syntheticConflictRows } from './synthetic-conflict-data';

describe('syntheticConflictRows', () => {
  it('is deterministic and has both classes', () => {
    const a = syntheticConflictRows(500, { seed: 3 });
    expect(syntheticConflictRows(500, { seed: 3 })).toEqual(a);
    const positives = a.filter((r) => r.label === 1).length;
    expect(positives).toBeGreaterThan(25);
    expect(positives).toBeLessThan(400);
  });
});

import { IdSet } from './id-set';

describe('IdSet', () => {
  it('adds ids, answers membership, and leaves every earlier set as it was', () => {
    const empty = IdSet.empty();
    const a = empty.with('a');
    const ab = a.with('b');
    const abc = ab.with('c');
    expect([empty.has('a'), a.has('a'), a.has('b'), ab.has('b'), ab.has('c'), abc.has('c')]).toEqual([false, true, false, true, false, true]);
    expect(abc.toArray()).toEqual(['a', 'b', 'c']);
    expect(a.toArray()).toEqual(['a']);
    expect(abc.size).toBe(3);
    expect(abc.with('b')).toBe(abc);
  });

  it('a set extended twice gives each branch its own ids', () => {
    const ab = IdSet.empty().with('a').with('b');
    const left = ab.with('x');
    const right = ab.with('y');
    expect(left.toArray()).toEqual(['a', 'b', 'x']);
    expect(right.toArray()).toEqual(['a', 'b', 'y']);
    expect(left.has('y')).toBe(false);
    expect(right.has('x')).toBe(false);
    // Each branch goes on; the first still shares its map with its own children.
    expect(left.with('z').toArray()).toEqual(['a', 'b', 'x', 'z']);
    expect(right.with('x').toArray()).toEqual(['a', 'b', 'y', 'x']);
    expect(ab.has('x') || ab.has('y')).toBe(false);
    expect(ab.with('x').toArray()).toEqual(['a', 'b', 'x']);
  });

  it('adding to a long set does not copy it', () => {
    let set = IdSet.empty();
    for (let i = 0; i < 100_000; i++) set = set.with(`id-${i}`);
    expect(set.size).toBe(100_000);
    expect(set.has('id-0') && set.has('id-99999') && !set.has('id-100000')).toBe(true);
  });
});

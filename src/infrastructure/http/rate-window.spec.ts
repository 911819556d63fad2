import { RateWindow } from './rate-window';

describe('RateWindow', () => {
  it('allows the limit in a window, refuses the next and blocks for the block time', () => {
    const w = new RateWindow(3, 60_000, 60_000);
    const t0 = 1_000_000;
    expect([0, 1, 2].map((i) => w.hit('a', t0 + i).allowed)).toEqual([true, true, true]);
    const refused = w.hit('a', t0 + 3);
    expect(refused).toEqual({ allowed: false, remaining: 0, resetSeconds: 60 });
    // Blocked a minute from the refusal, even though the first hits leave the window before that.
    expect(w.hit('a', t0 + 60_001).allowed).toBe(false);
    expect(w.hit('a', t0 + 3 + 60_000).allowed).toBe(true);
  });

  it('counts each tracker apart', () => {
    const w = new RateWindow(1, 60_000, 60_000);
    expect(w.hit('a', 0).allowed).toBe(true);
    expect(w.hit('a', 1).allowed).toBe(false);
    expect(w.hit('b', 2).allowed).toBe(true);
  });

  it('slides: requests leave the window bucket by bucket, and remaining says what is left', () => {
    const w = new RateWindow(4, 60_000, 1_000, 60);
    expect(w.hit('a', 0).remaining).toBe(3);
    expect(w.hit('a', 30_000).remaining).toBe(2);
    expect(w.hit('a', 30_500).remaining).toBe(1);
    // The request at 0 left the window at 60 s; those of 30 s are still in it.
    const later = w.hit('a', 60_000);
    expect(later).toMatchObject({ allowed: true, remaining: 1 });
    // The oldest counted request now is the one of 30 s: it leaves at 90 s.
    expect(later.resetSeconds).toBe(30);
    expect(w.hit('a', 60_100)).toMatchObject({ allowed: true, remaining: 0 });
    expect(w.hit('a', 60_200).allowed).toBe(false);
  });

  it('never lets more than the limit through in any window of the given length', () => {
    const limit = 50;
    const w = new RateWindow(limit, 10_000, 10_000, 20);
    const allowed: number[] = [];
    // One request every 37 ms for 60 s: far above the limit.
    for (let t = 0; t < 60_000; t += 37) if (w.hit('a', t).allowed) allowed.push(t);
    for (let i = 0; i + limit < allowed.length; i++) expect(allowed[i + limit] - allowed[i]).toBeGreaterThanOrEqual(10_000 - 500);
    expect(allowed.length).toBeGreaterThan(limit);
  });

  it('sweeps trackers idle for a whole window, and keeps blocked ones', () => {
    const w = new RateWindow(1, 60_000, 120_000);
    w.hit('idle', 0);
    w.hit('blocked', 0);
    w.hit('blocked', 1);
    w.sweep(30_000);
    expect(w.size()).toBe(2);
    w.sweep(61_000);
    expect(w.size()).toBe(1);
    w.sweep(121_000);
    expect(w.size()).toBe(0);
  });

  it('needs memory per tracker, not per request, whatever the limit', () => {
    const w = new RateWindow(100_000_000, 60_000, 60_000);
    // 50,000 requests in 50 s, then one more: all in the window, nothing kept per request.
    for (let t = 0; t < 50_000; t++) w.hit('a', t);
    expect(w.hit('a', 50_000).remaining).toBe(100_000_000 - 50_001);
    // At 100 s the window holds 41 s to 100 s: the first 41,000 requests have left it.
    expect(w.hit('a', 100_000).remaining).toBe(100_000_000 - 9_002);
  });
});

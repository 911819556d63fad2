import { checkCounterReading } from './counter-check';
import { configuredFormats, learnFormats, resolvePlate } from './plate-formats';

describe('plate formats never rewrite silently', () => {
  it('given no formats, then any 2-10 letters and digits is kept as read with no format', () => {
    expect(resolvePlate('KA05MN4821', 0.95, [])).toEqual({ text: 'KA05MN4821', plateFormat: null, confidence: 0.95, changes: 0 });
    expect(resolvePlate('W053011', 0.95, [])).toMatchObject({ text: 'W053011', confidence: 0.95 });
  });

  it('given a reading that fits a configured format, then it is unchanged and named', () => {
    expect(resolvePlate('DL3CAQ9172', 0.95, configuredFormats(['BR', 'IN']))).toMatchObject({ text: 'DL3CAQ9172', plateFormat: 'IN', confidence: 0.95 });
  });

  it('given a look-alike, then a strong format swaps it and every change lowers the confidence', () => {
    const swapped = resolvePlate('A8C1234', 0.95, configuredFormats(['BR']));
    expect(swapped).toMatchObject({ text: 'ABC1234', plateFormat: 'BR', changes: 1 });
    expect(swapped.confidence).toBeLessThan(0.95);
  });

  it('given a reading that fits no format in force, then it keeps its text below 0.7', () => {
    const kept = resolvePlate('KA05MN4821', 0.99, configuredFormats(['BR']));
    expect(kept).toMatchObject({ text: 'KA05MN4821', plateFormat: null });
    expect(kept.confidence).toBeLessThan(0.7);
  });

  it('given weak learned evidence, then it names a match but never changes characters', () => {
    const weak = [{ name: 'LLLDDDD', layout: 'LLLDDDD', weight: 0.2, source: 'learned' as const }];
    expect(resolvePlate('A8C1234', 0.9, weak)).toMatchObject({ text: 'A8C1234', plateFormat: null });
    expect(learnFormats(['ABC1234', 'XYZ9876'])).toEqual([]);
  });
});

describe('counter checks', () => {
  const history = [{ text: '00731.0', value: 731, at: '2026-01-01T00:00:00Z' }];
  it('given fewer digits than the learned width or a step back, then capped; a rollover is not', () => {
    const facts = { declared: null, history, replacedAt: null };
    expect(checkCounterReading('73', 73, 0.97, facts).confidence).toBeLessThan(0.7);
    expect(checkCounterReading('00512.4', 512.4, 0.97, facts).reason).toBe('went_backwards');
    const high = { declared: { digits: 5, decimals: 0 }, history: [{ text: '99950', value: 99950, at: '2026-01-01T00:00:00Z' }], replacedAt: null };
    expect(checkCounterReading('00012', 12, 0.97, high)).toMatchObject({ confidence: 0.97, reason: null });
  });
});

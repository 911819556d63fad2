import { isoFromEpochMs, parseIsoMs } from './iso-time';

// Specs may use Date as an oracle; the code under test does not.
describe('iso-time', () => {
  it.each([0, 951_782_400_000, 1_709_210_096_789, 4_107_542_399_999, -86_400_001])('round-trips %d like Date', (ms) => {
    const iso = new Date(ms).toISOString();
    expect(isoFromEpochMs(ms)).toBe(iso);
    expect(parseIsoMs(iso)).toBe(ms);
  });

  it('parses seconds-only and fractional forms, and other ISO forms via the fallback', () => {
    expect(parseIsoMs('2024-02-29T23:59:59Z')).toBe(Date.parse('2024-02-29T23:59:59Z'));
    expect(parseIsoMs('2024-02-29T23:59:59.5Z')).toBe(Date.parse('2024-02-29T23:59:59.500Z'));
    expect(parseIsoMs('2024-03-01T01:00:00+02:00')).toBe(Date.parse('2024-03-01T01:00:00+02:00'));
  });

  it('gives NaN for unreadable text', () => {
    expect(parseIsoMs('yesterday')).toBeNaN();
    expect(parseIsoMs('2024-13-01T00:00:00Z')).toBeNaN();
  });
});

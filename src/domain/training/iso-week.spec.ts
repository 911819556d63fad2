import { isoWeekKey } from './iso-week';

describe('isoWeekKey', () => {
  it('gives ISO weeks, including the ones that straddle a year', () => {
    expect(isoWeekKey('2026-01-01T12:00:00Z', 'UTC')).toBe('2026-W01');
    expect(isoWeekKey('2027-01-01T12:00:00Z', 'UTC')).toBe('2026-W53');
    expect(isoWeekKey('2024-12-30T12:00:00Z', 'UTC')).toBe('2025-W01');
  });

  it('keeps Sunday in the week that began on Monday', () => {
    expect(isoWeekKey('2026-01-05T00:00:00Z', 'UTC')).toBe('2026-W02');
    expect(isoWeekKey('2026-01-11T02:00:00Z', 'UTC')).toBe('2026-W02');
    expect(isoWeekKey('2026-01-12T00:00:00Z', 'UTC')).toBe('2026-W03');
  });

  it('uses the local date of the time zone', () => {
    // Sunday 23:30 UTC is already Monday in Berlin.
    expect(isoWeekKey('2026-01-11T23:30:00Z', 'UTC')).toBe('2026-W02');
    expect(isoWeekKey('2026-01-11T23:30:00Z', 'Europe/Berlin')).toBe('2026-W03');
    expect(isoWeekKey('2026-01-12T03:00:00Z', 'America/New_York')).toBe('2026-W02');
  });
});

/**
 * The ISO 8601 week (`2026-W02`) that an instant falls in, in a given IANA time zone. The weekly
 * active-learning batch is keyed by it: Sunday 02:00 local time is still the week that began on
 * Monday, however the UTC offset falls.
 */
export function isoWeekKey(at: Date | string, timeZone: string): string {
  const instant = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(instant.getTime())) throw new Error(`not a time: ${String(at)}`);
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  // The local calendar date, as a UTC midnight, so the arithmetic below has no offsets.
  const local = Date.UTC(get('year'), get('month') - 1, get('day'));
  const weekday = (new Date(local).getUTCDay() + 6) % 7; // Monday 0 .. Sunday 6
  const thursday = new Date(local + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

import { useEffect, useState } from 'react';

/** Seconds left on a lease (0 once it has run out), or null without an expiry. */
export function leaseLeft(expiresAt: string | null, now: number): number | null {
  if (!expiresAt) return null;
  const t = Date.parse(expiresAt);
  return Number.isNaN(t) ? null : Math.max(0, Math.floor((t - now) / 1000));
}

export function fmtLeft(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

/** The current time, ticking every second, for the lease countdowns. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

/** `vYYYYMMDD_HHMMSS` (UTC) of the moment a model was trained or registered. */
export function baseVersionName(at: string): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) throw new Error(`not an ISO time: ${at}`);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `v${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** The first free name: the base, then `_2`, `_3`, … when several land in the same second. */
export function nextVersionName(at: string, taken: (version: string) => boolean): string {
  const base = baseVersionName(at);
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}_${n}`;
    if (!taken(candidate)) return candidate;
  }
}

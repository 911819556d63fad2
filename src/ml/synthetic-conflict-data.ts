/**
 * Deterministic synthetic conflict rows for specs and benchmarks: features drawn from plausible
 * ranges and labels from a known logistic model, so a fit has a signal to find.
 */
import { ConflictTrainingRow } from './train-conflict-model';
import { Random, seededRandom } from './prng';

export interface SyntheticOptions {
  readonly seed?: number;
  /** Epoch ms of the first row. */
  readonly startMs?: number;
  /** Gap between consecutive rows. */
  readonly stepMs?: number;
}

export function syntheticConflictRows(n: number, options: SyntheticOptions = {}): ConflictTrainingRow[] {
  const random = seededRandom(options.seed ?? 1);
  const start = options.startMs ?? Date.UTC(2024, 0, 1);
  const step = options.stepMs ?? 60_000;
  const rows: ConflictTrainingRow[] = new Array<ConflictTrainingRow>(n);
  for (let i = 0; i < n; i++) {
    const features = [
      poissonSmall(random, 0.6),
      Math.min(168, -30 * Math.log(1 - random())),
      random() * random() * 0.6,
      random() * 6,
      random() < 0.4 ? random() : 0,
    ];
    const z = -3 + 0.9 * features[0] + 0.01 * features[1] + 3 * features[2] + 0.1 * features[3] + 1.5 * features[4];
    const label = random() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    rows[i] = { syncId: `sync-${i}`, syncedAt: isoFromEpochMs(start + i * step), features, label };
  }
  return rows;
}

function poissonSmall(random: Random, lambda: number): number {
  // Knuth's method; fine for the small rates used here.
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

/** UTC ISO 8601 from epoch ms by calendar arithmetic (Hinnant's civil_from_days); no Date object. */
export function isoFromEpochMs(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  const msOfDay = ms - days * 86_400_000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const pad = (v: number, w = 2): string => String(v).padStart(w, '0');
  const h = Math.floor(msOfDay / 3_600_000);
  const m = Math.floor((msOfDay % 3_600_000) / 60_000);
  const s = Math.floor((msOfDay % 60_000) / 1000);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(h)}:${pad(m)}:${pad(s)}.${pad(msOfDay % 1000, 3)}Z`;
}

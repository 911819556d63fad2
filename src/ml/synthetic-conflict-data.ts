/**
 * Deterministic synthetic conflict rows for specs and benchmarks: features drawn from plausible
 * ranges and labels from a known logistic model, so a fit has a signal to find.
 */
import { ConflictTrainingRow } from './train-conflict-model';
import { isoFromEpochMs } from './iso-time';
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

/**
 * The time-ordered holdout of the conflict predictor: the newest 20% of syncs are the test side, so
 * a model is always scored on syncs newer than every one it was trained on.
 */
import { parseIsoMs } from './iso-time';
import { BinaryLabel } from './metrics';
import { TrainingInputError } from './training-input-error';

export const TEST_FRACTION = 0.2;

export interface ConflictTrainingRow {
  readonly syncId: string;
  /** ISO 8601. */
  readonly syncedAt: string;
  readonly features: readonly number[];
  readonly label: BinaryLabel;
}

export type Split = 'train' | 'test';
export interface SplitRow extends ConflictTrainingRow {
  readonly split: Split;
}

/** Bounds are the `syncedAt` strings of the first and last row on each side. */
export interface TimeHoldout {
  readonly trainFrom: string;
  readonly trainTo: string;
  readonly testFrom: string;
  readonly testTo: string;
}

export interface TimeSplit {
  readonly train: ConflictTrainingRow[];
  readonly test: ConflictTrainingRow[];
  readonly holdout: TimeHoldout;
  readonly rows: SplitRow[];
}

/**
 * Oldest 80% train, newest 20% test. Rows sharing the boundary timestamp all go to the test side,
 * so every training row is strictly older than every test row (the test set may then exceed 20%).
 * Ties in time are ordered by syncId, so the split is the same whatever order rows arrive in.
 */
export function splitByTime(input: readonly ConflictTrainingRow[]): TimeSplit {
  const n = input.length;
  if (n < 2) throw new TrainingInputError(`need at least 2 rows to split by time, got ${n}`);
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) times[i] = parseTime(input[i]);
  const before = (a: number, b: number): number =>
    times[a] - times[b] || (input[a].syncId < input[b].syncId ? -1 : input[a].syncId > input[b].syncId ? 1 : 0);
  let order = Array.from({ length: n }, (_, i) => i);
  // Rows read from the event log usually arrive in order already; skip the O(n log n) sort then.
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = before(i - 1, i) <= 0;
  if (!sorted) order = order.sort(before);
  let cut = n - Math.max(1, Math.ceil(n * TEST_FRACTION));
  const boundary = times[order[cut]];
  while (cut > 0 && times[order[cut - 1]] === boundary) cut--;
  if (cut === 0) {
    throw new TrainingInputError('cannot hold out the newest syncs: the newest 20% share a timestamp with all older rows');
  }
  // Explicit fields, not a spread: spreading a million rows costs seconds in V8.
  const rows = order.map((index, i): SplitRow => {
    const r = input[index];
    return { syncId: r.syncId, syncedAt: r.syncedAt, features: r.features, label: r.label, split: i < cut ? 'train' : 'test' };
  });
  const train = rows.slice(0, cut);
  const test = rows.slice(cut);
  return {
    train,
    test,
    rows,
    holdout: {
      trainFrom: train[0].syncedAt,
      trainTo: train[train.length - 1].syncedAt,
      testFrom: test[0].syncedAt,
      testTo: test[test.length - 1].syncedAt,
    },
  };
}

function parseTime(row: ConflictTrainingRow): number {
  const t = parseIsoMs(row.syncedAt);
  if (Number.isNaN(t)) throw new TrainingInputError(`sync ${row.syncId} has an unreadable syncedAt: ${row.syncedAt}`);
  return t;
}

/**
 * DeLong's test for two correlated ROC curves: two predictors scored on the same rows (paired).
 * The fast algorithm of Sun and Xu (2014, IEEE Signal Processing Letters 21(11)): the structural
 * components come from mid-ranks, O(n log n) per predictor instead of DeLong's O(m n) pairs.
 */

export interface DeLongResult {
  /** AUC of the candidate minus AUC of the baseline. */
  readonly auc_difference: number;
  readonly standard_error: number;
  /** 95% normal interval of the difference. */
  readonly ci95: readonly [number, number];
  /** One-sided: the probability of a difference at least this large if the candidate were no better. */
  readonly p_value: number;
}

export interface DeLongDetail extends DeLongResult {
  readonly auc_candidate: number;
  readonly auc_baseline: number;
  readonly z: number;
  readonly positives: number;
  readonly negatives: number;
}

const Z_975 = 1.959963984540054;

/** Mid-ranks (1-based; ties share the mean of their ranks), as R's `rank(ties = 'average')`. */
export function midRanks(values: readonly number[]): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

interface Components {
  readonly auc: number;
  /** V10: per positive, the share of negatives it outranks (ties half). */
  readonly v10: Float64Array;
  /** V01: per negative, the share of positives that outrank it (ties half). */
  readonly v01: Float64Array;
}

function components(scores: readonly number[], labels: readonly number[]): Components {
  const pos: number[] = [];
  const neg: number[] = [];
  scores.forEach((s, i) => (labels[i] === 1 ? pos : neg).push(s));
  const m = pos.length;
  const n = neg.length;
  const tx = midRanks(pos);
  const ty = midRanks(neg);
  const tz = midRanks([...pos, ...neg]);
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < m; i++) {
    v10[i] = (tz[i] - tx[i]) / n;
    sum += tz[i];
  }
  for (let j = 0; j < n; j++) v01[j] = 1 - (tz[m + j] - ty[j]) / m;
  return { auc: (sum - (m * (m + 1)) / 2) / (m * n), v10, v01 };
}

/** Sample covariance (denominator k - 1). */
function covariance(a: Float64Array, b: Float64Array): number {
  const k = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < k; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= k;
  mb /= k;
  let s = 0;
  for (let i = 0; i < k; i++) s += (a[i] - ma) * (b[i] - mb);
  return s / (k - 1);
}

/**
 * Candidate vs baseline on the same labelled rows. Null when the rows cannot support the test:
 * fewer than two of either class (no variance), or different lengths.
 */
export function delongTest(candidate: readonly number[], baseline: readonly number[], labels: readonly number[]): DeLongDetail | null {
  if (candidate.length !== labels.length || baseline.length !== labels.length) return null;
  const m = labels.filter((l) => l === 1).length;
  const n = labels.length - m;
  if (m < 2 || n < 2) return null;
  const c = components(candidate, labels);
  const b = components(baseline, labels);
  const variance =
    (covariance(c.v10, c.v10) + covariance(b.v10, b.v10) - 2 * covariance(c.v10, b.v10)) / m +
    (covariance(c.v01, c.v01) + covariance(b.v01, b.v01) - 2 * covariance(c.v01, b.v01)) / n;
  const diff = c.auc - b.auc;
  const se = Math.sqrt(Math.max(0, variance));
  // No variance (identical rankings): a positive difference is certain, none is no evidence at all.
  const z = se > 0 ? diff / se : diff > 0 ? Number.POSITIVE_INFINITY : diff < 0 ? Number.NEGATIVE_INFINITY : 0;
  const p = se > 0 ? normalUpperTail(z) : diff > 0 ? 0 : 1;
  return {
    auc_difference: diff,
    standard_error: se,
    ci95: [diff - Z_975 * se, diff + Z_975 * se],
    p_value: p,
    auc_candidate: c.auc,
    auc_baseline: b.auc,
    z,
    positives: m,
    negatives: n,
  };
}

/** P(Z > z) for a standard normal Z, to about 1e-15 relative. */
export function normalUpperTail(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z < 0) return 1 - normalUpperTail(-z);
  return 0.5 * erfc(z / Math.SQRT2);
}

/** erfc for x >= 0: a positive-term series below 3, a continued fraction (modified Lentz) above. */
function erfc(x: number): number {
  if (x < 3) {
    // erf(x) = 2/sqrt(pi) e^{-x^2} sum_k 2^k x^{2k+1} / (1·3·...·(2k+1)): no cancellation.
    let term = x;
    let sum = x;
    for (let k = 1; k < 200 && term > sum * 1e-17; k++) {
      term *= (2 * x * x) / (2 * k + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  // erfc(x) = e^{-x^2}/sqrt(pi) · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/**
 * Calibration of an OCR engine's score into the probability that a reading is exactly right:
 * isotonic regression (pool adjacent violators, interpolated between block centres) or Platt
 * scaling (a one-feature logistic regression on the score's logit). Pure and deterministic, so a
 * recorded calibration (OcrCalibrationFitted) can be re-applied to explain any past reading.
 */
export type CalibrationMethod = 'isotonic' | 'platt';

/**
 * What a map was fitted on: whole readings (the default), or single characters. The development
 * set's meter photos are single digit rolls, so their map is per character, and a reading of n
 * digits is right only if all are: p = f(score^(1/n))^n, with score^(1/n) the geometric-mean
 * character quality of a score that multiplies character qualities.
 */
export type CalibrationUnit = 'reading' | 'character';

export type CalibrationMap =
  | { readonly method: 'isotonic'; readonly scores: readonly number[]; readonly probabilities: readonly number[]; readonly unit?: CalibrationUnit }
  | { readonly method: 'platt'; readonly a: number; readonly b: number; readonly unit?: CalibrationUnit };

export interface LabeledScore {
  readonly score: number;
  /** 1 when the reading was exactly right. */
  readonly correct: 0 | 1;
}

const EPS = 1e-6;

function logit(p: number): number {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return Math.log(q / (1 - q));
}

export function applyCalibration(map: CalibrationMap, score: number): number {
  if (!Number.isFinite(score)) return 0;
  switch (map.method) {
    case 'platt':
      return 1 / (1 + Math.exp(-(map.a * logit(score) + map.b)));
    case 'isotonic': {
      const xs = map.scores;
      const ys = map.probabilities;
      if (xs.length === 0) return 0;
      if (score <= xs[0]) return ys[0];
      if (score >= xs[xs.length - 1]) return ys[ys.length - 1];
      let lo = 0;
      let hi = xs.length - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (xs[mid] <= score) lo = mid;
        else hi = mid;
      }
      const span = xs[hi] - xs[lo];
      return span <= 0 ? ys[hi] : ys[lo] + ((ys[hi] - ys[lo]) * (score - xs[lo])) / span;
    }
    default: {
      const never: never = map;
      throw new Error(`unknown calibration ${JSON.stringify(never)}`);
    }
  }
}

/** The probability that a reading of `characters` characters with this score is right. */
export function calibratedConfidence(map: CalibrationMap, score: number, characters: number): number {
  if (map.unit !== 'character' || characters <= 1) return applyCalibration(map, score);
  const n = Math.floor(characters);
  return applyCalibration(map, Math.max(0, score) ** (1 / n)) ** n;
}

/**
 * Pool adjacent violators over the samples sorted by score. Each block's probability is shrunk
 * towards the overall rate by one pseudo-sample, so a small block of all-right readings maps to
 * "very likely" rather than to a certainty no photo deserves.
 */
export function fitIsotonic(samples: readonly LabeledScore[]): CalibrationMap {
  if (samples.length === 0) throw new Error('cannot calibrate on no samples');
  const sorted = [...samples].sort((a, b) => a.score - b.score);
  const prior = sorted.reduce((s, x) => s + x.correct, 0) / sorted.length;
  type Block = { sum: number; count: number; scoreSum: number };
  const blocks: Block[] = [];
  for (const s of sorted) {
    blocks.push({ sum: s.correct, count: 1, scoreSum: s.score });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1];
      const a = blocks[blocks.length - 2];
      if (a.sum / a.count < b.sum / b.count) break;
      blocks.splice(blocks.length - 2, 2, { sum: a.sum + b.sum, count: a.count + b.count, scoreSum: a.scoreSum + b.scoreSum });
    }
  }
  const scores = blocks.map((b) => b.scoreSum / b.count);
  const probabilities = blocks.map((b) => (b.sum + prior) / (b.count + 1));
  return { method: 'isotonic', scores, probabilities };
}

/** Newton's method on the log loss of sigmoid(a * logit(score) + b), with a tiny ridge for stability. */
export function fitPlatt(samples: readonly LabeledScore[]): CalibrationMap {
  if (samples.length === 0) throw new Error('cannot calibrate on no samples');
  // Platt's targets: (n+ + 1)/(n+ + 2) and 1/(n- + 2) instead of 1 and 0, against overfitting.
  const positives = samples.filter((s) => s.correct === 1).length;
  const negatives = samples.length - positives;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  const x = samples.map((s) => logit(s.score));
  const t = samples.map((s) => (s.correct === 1 ? hi : lo));
  let a = 1;
  let b = 0;
  for (let iteration = 0; iteration < 100; iteration += 1) {
    let ga = 1e-6 * a;
    let gb = 0;
    let haa = 1e-6;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < x.length; i += 1) {
      const p = 1 / (1 + Math.exp(-(a * x[i] + b)));
      const w = p * (1 - p);
      ga += (p - t[i]) * x[i];
      gb += p - t[i];
      haa += w * x[i] * x[i];
      hab += w * x[i];
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-10 && Math.abs(db) < 1e-10) break;
  }
  // A higher score must never mean less likely right: a falling fit (a handful of confident
  // misreads in a small sample) becomes flat, the base rate, which is all such data supports.
  if (!(a > 0)) return { method: 'platt', a: 0, b: logit(hi * positives / samples.length + lo * negatives / samples.length) };
  return { method: 'platt', a, b };
}

export function fitCalibration(method: CalibrationMethod, samples: readonly LabeledScore[]): CalibrationMap {
  return method === 'isotonic' ? fitIsotonic(samples) : fitPlatt(samples);
}

export interface ReliabilityBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  readonly meanConfidence: number;
  readonly accuracy: number;
}

/** Equal-width bins over [0, 1]; the last bin includes 1. */
export function reliabilityBins(probabilities: readonly number[], correct: readonly number[], bins = 10): ReliabilityBin[] {
  const out: { count: number; conf: number; right: number }[] = Array.from({ length: bins }, () => ({ count: 0, conf: 0, right: 0 }));
  probabilities.forEach((p, i) => {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    out[bin].count += 1;
    out[bin].conf += p;
    out[bin].right += correct[i];
  });
  return out.map((b, i) => ({
    lower: i / bins,
    upper: (i + 1) / bins,
    count: b.count,
    meanConfidence: b.count === 0 ? 0 : b.conf / b.count,
    accuracy: b.count === 0 ? 0 : b.right / b.count,
  }));
}

/** Expected calibration error: the count-weighted gap between confidence and accuracy per bin. */
export function expectedCalibrationError(probabilities: readonly number[], correct: readonly number[], bins = 10): number {
  if (probabilities.length === 0) return 0;
  const total = probabilities.length;
  return reliabilityBins(probabilities, correct, bins).reduce((s, b) => s + (b.count / total) * Math.abs(b.meanConfidence - b.accuracy), 0);
}

export function logLoss(probabilities: readonly number[], correct: readonly number[]): number {
  if (probabilities.length === 0) return 0;
  let sum = 0;
  probabilities.forEach((p, i) => {
    const q = Math.min(1 - EPS, Math.max(EPS, p));
    sum -= correct[i] === 1 ? Math.log(q) : Math.log(1 - q);
  });
  return sum / probabilities.length;
}

/**
 * Fold of each sample. Without groups, folds interleave over the score order (stratified by score).
 * With groups (the source photo of degraded copies), every sample of a group shares a fold, so a
 * calibration is never scored on a copy of a photo it was fitted on.
 */
export function foldAssignment(samples: readonly LabeledScore[], folds: number, groups?: readonly string[]): Int32Array {
  const k = Math.max(2, Math.min(folds, samples.length));
  const foldOf = new Int32Array(samples.length);
  if (groups) {
    const names = [...new Set(groups)].sort();
    const index = new Map(names.map((g, i) => [g, i % k] as const));
    groups.forEach((g, i) => {
      foldOf[i] = index.get(g) ?? 0;
    });
    return foldOf;
  }
  const order = samples.map((_, i) => i).sort((a, b) => samples[a].score - samples[b].score || a - b);
  order.forEach((index, rank) => {
    foldOf[index] = rank % k;
  });
  return foldOf;
}

/**
 * Out-of-fold calibrated probabilities: sample i is calibrated by a map fitted on the folds that do
 * not hold it, so the figures computed from them never score a photo the calibration has seen.
 */
export function crossValidatedProbabilities(samples: readonly LabeledScore[], method: CalibrationMethod, folds = 5, groups?: readonly string[]): number[] {
  const foldOf = foldAssignment(samples, folds, groups);
  const k = Math.max(...foldOf) + 1;
  const out = new Array<number>(samples.length).fill(0);
  for (let f = 0; f < k; f += 1) {
    const train = samples.filter((_, i) => foldOf[i] !== f);
    if (train.length === 0) continue;
    const map = fitCalibration(method, train);
    samples.forEach((s, i) => {
      if (foldOf[i] === f) out[i] = applyCalibration(map, s.score);
    });
  }
  return out;
}

export interface CalibrationChoice {
  readonly method: CalibrationMethod;
  readonly map: CalibrationMap;
  /** Cross-validated figures of the chosen method (never on the samples a fold was fitted on). */
  readonly crossValidated: { readonly ece: number; readonly logLoss: number; readonly folds: number };
  /** Each sample's out-of-fold probability under the chosen method, in sample order. */
  readonly outOfFold: readonly number[];
}

/** Fits both methods and keeps the one with the lower cross-validated log loss. */
export function chooseCalibration(samples: readonly LabeledScore[], folds = 5, groups?: readonly string[]): CalibrationChoice {
  const correct = samples.map((s) => s.correct);
  const tried = (['isotonic', 'platt'] as const).map((method) => {
    const outOfFold = crossValidatedProbabilities(samples, method, folds, groups);
    return { method, outOfFold, crossValidated: { ece: expectedCalibrationError(outOfFold, correct), logLoss: logLoss(outOfFold, correct), folds } };
  });
  const best = tried.reduce((a, b) => (b.crossValidated.logLoss < a.crossValidated.logLoss ? b : a));
  return { ...best, map: fitCalibration(best.method, samples) };
}

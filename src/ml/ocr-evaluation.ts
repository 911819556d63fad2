import { type CalibrationMethod, type LabeledScore, chooseCalibration, expectedCalibrationError } from './calibration';

/** `blur__plate_001.png` and `plate_001.png` come from the same photo. */
export function sourcePhoto(name: string): string {
  const base = name.replace(/\.[a-z0-9]+$/i, '');
  const cut = base.lastIndexOf('__');
  return cut < 0 ? base : base.slice(cut + 2);
}
import { rocAuc } from './metrics';

/** One photo read by one engine, against its ground truth. */
export interface OcrTrial {
  readonly name: string;
  readonly truth: string;
  readonly text: string;
  readonly score: number;
  readonly ms: number;
  /** The source photo: degraded copies of one photo share it, and a fold. */
  readonly group?: string;
}

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Edits needed over all photos divided by the truth's characters. */
export function characterErrorRate(trials: readonly Pick<OcrTrial, 'truth' | 'text'>[]): number {
  const chars = trials.reduce((s, t) => s + t.truth.length, 0);
  return chars === 0 ? 0 : trials.reduce((s, t) => s + levenshtein(t.text, t.truth), 0) / chars;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function labeledScores(trials: readonly OcrTrial[]): LabeledScore[] {
  return trials.map((t) => ({ score: t.score, correct: t.text === t.truth ? 1 : 0 }));
}

export interface OcrEvaluation {
  readonly photos: number;
  readonly exact: number;
  readonly exactRate: number;
  readonly cer: number;
  /** AUROC of the raw score for right vs wrong (null when all are right or all wrong). */
  readonly scoreAuroc: number | null;
  /** Out-of-fold calibrated confidence: what a calibration fitted elsewhere would give these photos. */
  readonly calibrated: { readonly method: CalibrationMethod; readonly folds: number; readonly auroc: number | null; readonly ece: number };
  /** Share of wrong readings below the capture threshold (they become training examples). */
  readonly wrongCaptured: number | null;
  /** Share of readings at or above the threshold that are right. */
  readonly precisionAboveThreshold: number | null;
  /** Share of wrong readings at or above the threshold: misreads nobody is asked about. */
  readonly misreadsConfident: number | null;
  /** Share of right readings below the threshold: labeling work for nothing. */
  readonly rightUnconfident: number | null;
  readonly msMedian: number;
  readonly msMean: number;
}

/**
 * Figures for one engine on one labelled set. Calibration figures are k-fold: each photo's
 * confidence comes from a calibration fitted on the other folds, never on the photo itself.
 */
export function evaluateOcr(trials: readonly OcrTrial[], folds = 5, threshold = 0.7, reportOn?: (trial: OcrTrial) => boolean): OcrEvaluation {
  const all = labeledScores(trials);
  const groups = trials.every((t) => t.group !== undefined) ? trials.map((t) => t.group as string) : undefined;
  const choice = chooseCalibration(all, folds, groups);
  const allProbabilities = choice.outOfFold;
  // Calibrations are fitted (out of fold) on every trial; the figures may be read on a subset.
  const kept = trials.map((t, i) => i).filter((i) => reportOn === undefined || reportOn(trials[i]));
  trials = kept.map((i) => trials[i]);
  const samples = kept.map((i) => all[i]);
  const probabilities = kept.map((i) => allProbabilities[i]);
  const correct = samples.map((s) => s.correct);
  const exact = correct.reduce((a: number, b) => a + b, 0);
  const wrong = probabilities.filter((_, i) => correct[i] === 0);
  const above = probabilities.map((p, i) => ({ p, c: correct[i] })).filter((x) => x.p >= threshold);
  const right = probabilities.filter((_, i) => correct[i] === 1);
  return {
    photos: trials.length,
    exact,
    exactRate: trials.length === 0 ? 0 : exact / trials.length,
    cer: characterErrorRate(trials),
    scoreAuroc: rocAuc(samples.map((s) => s.score), correct),
    calibrated: { method: choice.method, folds, auroc: rocAuc(probabilities, correct), ece: expectedCalibrationError(probabilities, correct) },
    wrongCaptured: wrong.length === 0 ? null : wrong.filter((p) => p < threshold).length / wrong.length,
    precisionAboveThreshold: above.length === 0 ? null : above.filter((x) => x.c === 1).length / above.length,
    misreadsConfident: wrong.length === 0 ? null : wrong.filter((p) => p >= threshold).length / wrong.length,
    rightUnconfident: right.length === 0 ? null : right.filter((p) => p < threshold).length / right.length,
    msMedian: median(trials.map((t) => t.ms)),
    msMean: trials.length === 0 ? 0 : trials.reduce((s, t) => s + t.ms, 0) / trials.length,
  };
}

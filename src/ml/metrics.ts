/**
 * Binary classification metrics. ROC-AUC is computed exactly (Mann-Whitney U, ties as half, the
 * same as average ranks) rather than by trapezoids over a threshold grid, so ties between scores count as half, the same
 * as sklearn's roc_auc_score.
 */
export type BinaryLabel = 0 | 1;

/** Rows are the true class, columns the predicted class: [[tn, fp], [fn, tp]] (sklearn's layout). */
export type ConfusionMatrix = [[number, number], [number, number]];

export interface ClassMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface ClassificationReport {
  readonly threshold: number;
  readonly accuracy: number;
  readonly confusion_matrix: ConfusionMatrix;
  readonly negative: ClassMetrics;
  readonly positive: ClassMetrics;
}

/**
 * `null` when the AUC is undefined because only one class is present.
 *
 * Mann-Whitney U = sum over (positive, negative) pairs of [pos > neg] + 1/2 [pos = neg], which is
 * exactly the average-rank formula (R_pos - n_pos (n_pos + 1) / 2). Counting against the sorted
 * negatives lets both sides use the native numeric sort of typed arrays: ~1M rows in well under a second.
 */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number | null {
  if (scores.length !== labels.length) throw new Error('scores and labels differ in length');
  let positives = 0;
  for (const l of labels) if (l === 1) positives++;
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const pos = new Float64Array(positives);
  const neg = new Float64Array(negatives);
  let p = 0;
  let q = 0;
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) throw new Error(`score ${i} is NaN`);
    if (labels[i] === 1) pos[p++] = scores[i];
    else neg[q++] = scores[i];
  }
  pos.sort();
  neg.sort();
  let below = 0; // negatives strictly below the current positive score
  let notAbove = 0; // negatives at or below it
  let u = 0;
  for (let i = 0; i < positives; i++) {
    const s = pos[i];
    while (below < negatives && neg[below] < s) below++;
    if (notAbove < below) notAbove = below;
    while (notAbove < negatives && neg[notAbove] <= s) notAbove++;
    u += below + 0.5 * (notAbove - below);
  }
  return u / (positives * negatives);
}

/** A score at or above the threshold predicts the positive class. */
export function confusionMatrix(scores: readonly number[], labels: readonly number[], threshold = 0.5): ConfusionMatrix {
  let tn = 0;
  let fp = 0;
  let fn = 0;
  let tp = 0;
  for (let i = 0; i < scores.length; i++) {
    const predicted = scores[i] >= threshold;
    if (labels[i] === 1) {
      if (predicted) tp++;
      else fn++;
    } else if (predicted) fp++;
    else tn++;
  }
  return [
    [tn, fp],
    [fn, tp],
  ];
}

/** Zero where a ratio has a zero denominator (sklearn's zero_division=0), so reports stay numeric. */
function ratio(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

function classMetrics(tp: number, fp: number, fn: number): ClassMetrics {
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support: tp + fn };
}

export function classificationReport(
  scores: readonly number[],
  labels: readonly number[],
  threshold = 0.5,
): ClassificationReport {
  const cm = confusionMatrix(scores, labels, threshold);
  const [[tn, fp], [fn, tp]] = cm;
  return {
    threshold,
    accuracy: ratio(tn + tp, scores.length),
    confusion_matrix: cm,
    // For the negative class the roles of the off-diagonal cells swap.
    negative: classMetrics(tn, fn, fp),
    positive: classMetrics(tp, fp, fn),
  };
}

import { classificationReport, confusionMatrix, rocAuc } from './metrics';

describe('rocAuc', () => {
  it('is 1 for a perfect ranking and 0 for an inverted one', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
  });

  it('counts tied scores as half (hand-computed)', () => {
    // Positives {0.5, 0.8}, negatives {0.2, 0.5, 0.5}. Pairs (pos > neg):
    //   0.8 beats all 3 negatives = 3; 0.5 beats 0.2 = 1 and ties two 0.5s = 2 * 0.5 = 1.
    //   AUC = (3 + 1 + 1) / (2 * 3) = 5/6.
    expect(rocAuc([0.2, 0.5, 0.5, 0.5, 0.8], [0, 0, 1, 0, 1])).toBeCloseTo(5 / 6, 15);
  });

  it('is 0.5 when every score is tied', () => {
    expect(rocAuc([0.3, 0.3, 0.3, 0.3], [0, 1, 0, 1])).toBe(0.5);
  });

  it('is null when only one class is present', () => {
    expect(rocAuc([0.1, 0.9], [1, 1])).toBeNull();
  });
});

describe('confusionMatrix and classificationReport', () => {
  const scores = [0.9, 0.6, 0.5, 0.4, 0.2, 0.7];
  const labels = [1, 0, 1, 1, 0, 0];

  it('lays out [[tn, fp], [fn, tp]] with score >= threshold as positive', () => {
    expect(confusionMatrix(scores, labels, 0.5)).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });

  it('reports precision, recall and f1 per class', () => {
    const r = classificationReport(scores, labels, 0.5);
    expect(r.positive.precision).toBe(0.5);
    expect(r.positive.recall).toBeCloseTo(2 / 3, 15);
    expect(r.positive.f1).toBeCloseTo(4 / 7, 15);
    expect(r.positive.support).toBe(3);
    expect(r.negative.precision).toBe(0.5);
    expect(r.negative.recall).toBeCloseTo(1 / 3, 15);
    expect(r.negative.f1).toBeCloseTo(0.4, 15);
    expect(r.accuracy).toBe(0.5);
  });

  it('uses 0 for undefined ratios instead of NaN', () => {
    const r = classificationReport([0.1, 0.2], [0, 0], 0.5);
    expect(r.positive).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });
});

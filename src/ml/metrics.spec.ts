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

describe('rocAuc agrees with the average-rank formula', () => {
  it('on random data with many ties', () => {
    let state = 7;
    const next = (): number => (state = (state * 48271) % 2147483647) / 2147483647;
    const scores = Array.from({ length: 500 }, () => Math.round(next() * 20) / 20);
    const labels = scores.map((s) => (next() < s ? 1 : 0));
    const order = scores.map((s, i) => ({ s, i })).sort((a, b) => a.s - b.s);
    const ranks = new Array<number>(scores.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && order[j + 1].s === order[i].s) j++;
      for (let k = i; k <= j; k++) ranks[order[k].i] = (i + j) / 2 + 1;
      i = j + 1;
    }
    const nPos = labels.filter((l) => l === 1).length;
    const rPos = ranks.reduce((a, r, i) => a + (labels[i] === 1 ? r : 0), 0);
    const expected = (rPos - (nPos * (nPos + 1)) / 2) / (nPos * (labels.length - nPos));
    expect(rocAuc(scores, labels)).toBeCloseTo(expected, 12);
  });
});

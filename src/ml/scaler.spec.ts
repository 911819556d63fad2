import { fitStandardScaler, transform } from './scaler';

describe('fitStandardScaler', () => {
  it('uses the population standard deviation, like sklearn', () => {
    const s = fitStandardScaler([[1, 10], [2, 10], [3, 10], [4, 10]]);
    expect(s.mean).toEqual([2.5, 10]);
    expect(s.scale[0]).toBeCloseTo(Math.sqrt(1.25), 12);
  });

  it('gives a constant column scale 1 so it transforms to 0, not NaN', () => {
    const s = fitStandardScaler([[5], [5], [5]]);
    expect(s.scale).toEqual([1]);
    expect(transform(s, [[5], [7]])).toEqual([[0], [2]]);
  });

  it('transforms to zero mean and unit variance', () => {
    const X = [[0, 100], [1, 300], [5, 200], [2, 400]];
    const Z = transform(fitStandardScaler(X), X);
    for (let j = 0; j < 2; j++) {
      const col = Z.map((r) => r[j]);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      const variance = col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length;
      expect(mean).toBeCloseTo(0, 12);
      expect(variance).toBeCloseTo(1, 12);
    }
  });
});

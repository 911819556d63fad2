import fixture from './__fixtures__/sklearn-logistic-regression.json';
import { fitLogisticRegression, predictProba } from './logistic-regression';
import { fitStandardScaler, transform } from './scaler';

/** Fixture made by __fixtures__/make-sklearn-fixture.py (scikit-learn, see sklearn_version). */
describe('fitLogisticRegression against scikit-learn', () => {
  const scaler = fitStandardScaler(fixture.X);
  const Xs = transform(scaler, fixture.X);
  const fit = fitLogisticRegression(Xs, fixture.y, { C: 1, classWeight: 'balanced' });

  it('reproduces StandardScaler', () => {
    fixture.scaler.mean.forEach((m, j) => expect(Math.abs(scaler.mean[j] - m)).toBeLessThan(1e-9));
    fixture.scaler.scale.forEach((s, j) => expect(Math.abs(scaler.scale[j] - s)).toBeLessThan(1e-9));
  });

  it.each([['default_fit'], ['tight_fit']] as const)('matches sklearn %s coefficients to 1e-3', (which) => {
    const expected = fixture[which];
    expect(fit.converged).toBe(true);
    expected.coefficients.forEach((c, j) => expect(Math.abs(fit.coefficients[j] - c)).toBeLessThan(1e-3));
    expect(Math.abs(fit.intercept - expected.intercept)).toBeLessThan(1e-3);
    const probs = predictProba(fit, Xs);
    expected.probabilities.forEach((p, i) => expect(Math.abs(probs[i] - p)).toBeLessThan(1e-3));
  });

  it('is balanced: the unpenalised intercept equalises mean error across classes', () => {
    // d(objective)/d(intercept) = 0 with weights n/(2 n_c) means
    // mean over positives of (1 - p) equals mean over negatives of p.
    const probs = predictProba(fit, Xs);
    const pos = probs.filter((_, i) => fixture.y[i] === 1);
    const neg = probs.filter((_, i) => fixture.y[i] === 0);
    const posMiss = pos.reduce((a, p) => a + (1 - p), 0) / pos.length;
    const negMiss = neg.reduce((a, p) => a + p, 0) / neg.length;
    expect(Math.abs(posMiss - negMiss)).toBeLessThan(1e-9);
  });

  it('converges on perfectly separable data thanks to the L2 term', () => {
    const X = [[-2], [-1], [1], [2]];
    const r = fitLogisticRegression(X, [0, 0, 1, 1]);
    expect(r.converged).toBe(true);
    expect(Number.isFinite(r.coefficients[0])).toBe(true);
    expect(r.coefficients[0]).toBeGreaterThan(0);
  });

  it('refuses a single class under balanced weights', () => {
    expect(() => fitLogisticRegression([[1], [2]], [1, 1])).toThrow(/both classes/);
  });
});

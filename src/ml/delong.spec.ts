import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rocAuc } from './metrics';
import { delongTest, midRanks, normalUpperTail } from './delong';

interface Expected {
  readonly auc_candidate: number;
  readonly auc_baseline: number;
  readonly auc_difference: number;
  readonly standard_error: number;
  readonly ci95: [number, number];
  readonly p_value: number;
}
interface Case {
  readonly labels: number[];
  readonly candidate: number[];
  readonly baseline: number[];
  readonly expected: { readonly python_reference: Expected; readonly pROC: Expected & { z: number } };
}

const fixture = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'delong-fixture.json'), 'utf8')) as { cases: Record<string, Case> };

describe("DeLong's test for two correlated ROC curves", () => {
  it.each(Object.keys(fixture.cases))('matches the independently computed figures on %s', (name) => {
    const c = fixture.cases[name];
    const got = delongTest(c.candidate, c.baseline, c.labels);
    if (got === null) throw new Error('expected a result');
    const e = c.expected.python_reference;
    expect(got.auc_candidate).toBeCloseTo(e.auc_candidate, 12);
    expect(got.auc_baseline).toBeCloseTo(e.auc_baseline, 12);
    expect(got.auc_difference).toBeCloseTo(e.auc_difference, 12);
    expect(got.standard_error).toBeCloseTo(e.standard_error, 12);
    expect(got.ci95[0]).toBeCloseTo(e.ci95[0], 12);
    expect(got.ci95[1]).toBeCloseTo(e.ci95[1], 12);
    expect(got.p_value).toBeCloseTo(e.p_value, 12);
    // The AUCs are the project's own exact ROC-AUC (ties counted half).
    expect(got.auc_candidate).toBeCloseTo(rocAuc(c.candidate, c.labels) as number, 12);
    // R's pROC roc.test(method = 'delong', paired = TRUE, alternative = 'greater'), printed to 15 digits.
    const r = c.expected.pROC;
    expect(got.auc_difference).toBeCloseTo(r.auc_difference, 12);
    expect(got.z).toBeCloseTo(r.z, 11);
    expect(got.standard_error).toBeCloseTo(r.standard_error, 12);
    expect(got.ci95[0]).toBeCloseTo(r.ci95[0], 12);
    expect(got.ci95[1]).toBeCloseTo(r.ci95[1], 12);
    expect(got.p_value).toBeCloseTo(r.p_value, 12);
  });

  it('gives mid-ranks to ties and a normal tail to 1e-15', () => {
    expect([...midRanks([3, 1, 3, 2])]).toEqual([3.5, 1, 3.5, 2]);
    expect(normalUpperTail(0)).toBe(0.5);
    expect(normalUpperTail(1.959963984540054)).toBeCloseTo(0.025, 15);
    expect(normalUpperTail(-1.6448536269514722)).toBeCloseTo(0.95, 15);
    expect(normalUpperTail(5) / 2.866515718791939e-7).toBeCloseTo(1, 12);
  });

  it('is symmetric: swapping the predictors negates the difference and complements p', () => {
    const c = fixture.cases.small_ties;
    const ab = delongTest(c.candidate, c.baseline, c.labels);
    const ba = delongTest(c.baseline, c.candidate, c.labels);
    expect(ba?.auc_difference).toBeCloseTo(-(ab?.auc_difference ?? 0), 14);
    expect(ba?.standard_error).toBeCloseTo(ab?.standard_error ?? 0, 14);
    expect((ba?.p_value ?? 0) + (ab?.p_value ?? 0)).toBeCloseTo(1, 14);
  });

  it('answers null when a class has fewer than two rows', () => {
    expect(delongTest([0.1, 0.9, 0.5], [0.2, 0.8, 0.4], [0, 1, 0])).toBeNull();
  });
});

import { delongTest } from '../../ml/delong';
import { evaluatePredictions } from '../../ml/train-conflict-model';
import { seededRandom } from '../../ml/prng';
import { ActivationPolicyConfig, EvaluatedModel, decideActivation, rocAucImprovement, significantImprovement } from './activation-policy';
import { HoldoutMetrics } from './model.events';

/** A standard normal from two uniforms (Box-Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * A holdout with `positives` conflicts among `rows` syncs, scored by two correlated predictors:
 * both see the same nuisance, the candidate's signal is stronger. Scale 0.73 vs 0.55 puts the
 * candidate's ROC-AUC about 6% (relative) above the baseline's.
 */
function holdout(rows: number, positives: number, seed: number) {
  const random = seededRandom(seed);
  const labels: number[] = [];
  const candidate: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < rows; i++) {
    const label = i < positives ? 1 : 0;
    const shared = normal(random);
    labels.push(label);
    candidate.push(1 / (1 + Math.exp(-(0.73 * label + shared + 0.5 * normal(random)))));
    baseline.push(1 / (1 + Math.exp(-(0.55 * label + shared + 0.5 * normal(random)))));
  }
  const metrics = (p: number[]): HoldoutMetrics => {
    const m = evaluatePredictions(p, labels);
    return { roc_auc: m.roc_auc, accuracy: m.accuracy, threshold: m.threshold, precision: m.precision, recall: m.recall, f1: m.f1, samples: m.samples, positives: m.positives };
  };
  const test = delongTest(candidate, baseline, labels);
  const cand: EvaluatedModel = { version: 'v_candidate', metrics: metrics(candidate), delong: test && { auc_difference: test.auc_difference, standard_error: test.standard_error, ci95: test.ci95, p_value: test.p_value } };
  const base: EvaluatedModel = { version: 'v_active', metrics: metrics(baseline) };
  return { cand, base };
}

const policy: ActivationPolicyConfig = { minImprovement: 0.05, mode: 'relative', minPositives: 5, maxPValue: 0.05 };

describe('significant_improvement (DeLong) beside the 5% rule', () => {
  // Seed 17: a holdout whose candidate gains 6.1% relative (the premise is asserted below).
  it('rejects a +6% candidate on a small holdout, naming the p-value, though the 5% rule passes', () => {
    const { cand, base } = holdout(200, 40, 17);
    const gain = rocAucImprovement(cand.metrics.roc_auc as number, base.metrics.roc_auc as number, 'relative');
    expect(gain).toBeGreaterThan(0.05);
    expect(gain).toBeLessThan(0.08);
    const decision = decideActivation(cand, base, policy);
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) {
      expect(decision.failures.map((f) => f.rule)).toEqual(['significant_improvement']);
      expect(decision.failures[0].reason).toMatch(/DeLong one-sided p = 0\.\d+ .* is above the allowed 0\.05/);
    }
    expect(cand.delong?.p_value).toBeGreaterThan(0.05);
  });

  it('accepts a +6% candidate on a large holdout', () => {
    const { cand, base } = holdout(20_000, 4_000, 2);
    const gain = rocAucImprovement(cand.metrics.roc_auc as number, base.metrics.roc_auc as number, 'relative');
    expect(gain).toBeGreaterThan(0.05);
    expect(gain).toBeLessThan(0.08);
    const decision = decideActivation(cand, base, policy);
    expect(decision).toEqual({ allowed: true, reason: expect.stringMatching(/^auto-activated: .*relative.*; DeLong one-sided p = .* <= 0\.05$/) });
    expect(cand.delong?.p_value).toBeLessThan(1e-6);
  });

  it('is no rule at all while ACTIVATION_MAX_P_VALUE is unset (today behaviour)', () => {
    const { cand, base } = holdout(200, 40, 17);
    expect(significantImprovement.check(cand, base, { ...policy, maxPValue: null }).allowed).toBe(true);
    expect(decideActivation(cand, base, { ...policy, maxPValue: null }).allowed).toBe(true);
  });

  it('rejects when the test cannot be computed and significance is required', () => {
    const { base } = holdout(200, 40, 17);
    const v = significantImprovement.check({ ...base, version: 'v_new', delong: null }, base, policy);
    expect(v.allowed).toBe(false);
  });
});

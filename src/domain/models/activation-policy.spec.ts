import { HoldoutMetrics } from './model.events';
import {
  ActivationPolicyConfig,
  candidateMetricsValid,
  decideActivation,
  EvaluatedModel,
  holdoutMinPositives,
  notAlreadyActive,
  rocAucImproves,
  rocAucImprovement,
  sameHoldout,
} from './activation-policy';

const metrics = (over: Partial<HoldoutMetrics> = {}): HoldoutMetrics => ({
  roc_auc: 0.7,
  accuracy: 0.8,
  threshold: 0.5,
  precision: 0.5,
  recall: 0.6,
  f1: 0.55,
  samples: 200,
  positives: 40,
  ...over,
});
const model = (version: string, over: Partial<HoldoutMetrics> = {}): EvaluatedModel => ({ version, metrics: metrics(over) });
const relative: ActivationPolicyConfig = { minImprovement: 0.05, mode: 'relative', minPositives: 5 };
const absolute: ActivationPolicyConfig = { minImprovement: 0.05, mode: 'absolute', minPositives: 5 };

describe('activation policy rules', () => {
  describe('roc_auc_improvement', () => {
    it('given +10% relative, when checked in relative mode, then allowed with the numbers', () => {
      const v = rocAucImproves.check(model('new', { roc_auc: 0.77 }), model('old', { roc_auc: 0.7 }), relative);
      expect(v).toEqual({ allowed: true, note: expect.stringContaining('0.7700 vs 0.7000') });
    });
    it('given +3% relative, then rejected saying by how much', () => {
      const v = rocAucImproves.check(model('new', { roc_auc: 0.721 }), model('old', { roc_auc: 0.7 }), relative);
      expect(v.allowed).toBe(false);
      if (!v.allowed) expect(v.reason).toMatch(/\+3\.0% relative\) is not more than the required 5\.0%/);
    });
    it('given exactly +5% relative, then rejected (the rule is strictly more than)', () => {
      expect(rocAucImproves.check(model('new', { roc_auc: 0.84 }), model('old', { roc_auc: 0.8 }), relative).allowed).toBe(false);
    });
    it('given +0.04 absolute (+5.7% relative), then allowed relative but rejected absolute', () => {
      const c = model('new', { roc_auc: 0.74 });
      const a = model('old', { roc_auc: 0.7 });
      expect(rocAucImproves.check(c, a, relative).allowed).toBe(true);
      expect(rocAucImproves.check(c, a, absolute).allowed).toBe(false);
      expect(rocAucImprovement(0.74, 0.7, 'absolute')).toBeCloseTo(0.04, 10);
    });
    it('given an active model without ROC-AUC, then any candidate with one is allowed', () => {
      expect(rocAucImproves.check(model('new', { roc_auc: 0.6 }), model('old', { roc_auc: null }), relative).allowed).toBe(true);
    });
    it('given a worse candidate, then rejected', () => {
      expect(rocAucImproves.check(model('new', { roc_auc: 0.6 }), model('old'), relative).allowed).toBe(false);
    });
  });

  describe('holdout_min_positives', () => {
    it('given fewer conflicts than required, then rejected', () => {
      const v = holdoutMinPositives.check(model('new', { positives: 4 }), model('old', { positives: 4 }), relative);
      expect(v).toEqual({ allowed: false, reason: expect.stringContaining('holdout has 4 conflicts of 200 syncs; at least 5') });
    });
    it('given exactly the minimum, then allowed', () => {
      expect(holdoutMinPositives.check(model('new', { positives: 5 }), model('old'), relative).allowed).toBe(true);
    });
  });

  describe('candidate_metrics_valid', () => {
    it('given NaN or missing metrics, then rejected naming them', () => {
      const v = candidateMetricsValid.check(model('new', { roc_auc: null, f1: Number.NaN }), model('old'), relative);
      expect(v).toEqual({ allowed: false, reason: 'candidate new has no valid roc_auc, f1 on the holdout' });
    });
    it('given finite metrics, then allowed', () => {
      expect(candidateMetricsValid.check(model('new'), model('old'), relative).allowed).toBe(true);
    });
  });

  describe('same_holdout', () => {
    it('given different sample counts, then rejected', () => {
      expect(sameHoldout.check(model('new', { samples: 100 }), model('old', { samples: 200 }), relative).allowed).toBe(false);
    });
    it('given the same rows, then allowed', () => {
      expect(sameHoldout.check(model('new'), model('old'), relative).allowed).toBe(true);
    });
  });

  describe('not_already_active', () => {
    it('given the candidate is the active model, then rejected', () => {
      expect(notAlreadyActive.check(model('v1'), model('v1'), relative).allowed).toBe(false);
    });
  });

  describe('decideActivation', () => {
    it('given a clearly better candidate, then allowed with a reason carrying the numbers', () => {
      const d = decideActivation(model('new', { roc_auc: 0.85 }), model('heuristic_v1', { roc_auc: 0.7 }), relative);
      expect(d).toEqual({ allowed: true, reason: expect.stringMatching(/^auto-activated: test ROC-AUC 0\.8500 vs 0\.7000 for heuristic_v1 \(\+21\.4% relative\) > 5\.0%$/) });
    });
    it('given several broken rules, then every failing rule is reported', () => {
      const d = decideActivation(model('new', { roc_auc: 0.71, positives: 2 }), model('old', { positives: 2 }), relative);
      expect(d.allowed).toBe(false);
      if (!d.allowed) expect(d.failures.map((f) => f.rule)).toEqual(['holdout_min_positives', 'roc_auc_improvement']);
    });
  });
});

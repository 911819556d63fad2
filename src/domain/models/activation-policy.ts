import { DeLongFigures, HoldoutMetrics, RuleFailure } from './model.events';

/**
 * Auto-activation policy: small named rules `(candidate, active) => allowed | rejected(reason)`.
 * Every rule runs, so a rejection names every reason, not only the first.
 */
export interface EvaluatedModel {
  readonly version: string;
  readonly metrics: HoldoutMetrics;
  /** The candidate's DeLong test against the model it would replace (only the candidate carries it). */
  readonly delong?: DeLongFigures | null;
}

export interface ActivationPolicyConfig {
  /** ROC-AUC improvement the candidate must exceed (0.05 = 5% relative or 0.05 absolute). */
  readonly minImprovement: number;
  readonly mode: 'relative' | 'absolute';
  /** Conflicts the holdout must hold for its ROC-AUC to mean anything. */
  readonly minPositives: number;
  /** Set: DeLong's one-sided p-value (candidate better) must be at most this. Unset: no significance rule. */
  readonly maxPValue?: number | null;
}

export type RuleVerdict = { readonly allowed: true; readonly note: string } | { readonly allowed: false; readonly reason: string };

export interface ActivationRule {
  readonly name: string;
  check(candidate: EvaluatedModel, active: EvaluatedModel, config: ActivationPolicyConfig): RuleVerdict;
}

export const allowed = (note: string): RuleVerdict => ({ allowed: true, note });
export const rejected = (reason: string): RuleVerdict => ({ allowed: false, reason });

const isNumber = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
const fmt = (n: number | null): string => (n === null ? 'n/a' : n.toFixed(4));
const pct = (n: number): string => `${(n * 100).toFixed(1)}%`;

export const candidateMetricsValid: ActivationRule = {
  name: 'candidate_metrics_valid',
  check(candidate) {
    const m = candidate.metrics;
    const bad = (['roc_auc', 'accuracy', 'precision', 'recall', 'f1'] as const).filter((k) => !isNumber(m[k]));
    return bad.length === 0 ? allowed('candidate metrics are finite') : rejected(`candidate ${candidate.version} has no valid ${bad.join(', ')} on the holdout`);
  },
};

export const holdoutMinPositives: ActivationRule = {
  name: 'holdout_min_positives',
  check(candidate, _active, config) {
    const { positives, samples } = candidate.metrics;
    return positives >= config.minPositives
      ? allowed(`holdout has ${positives} conflicts of ${samples} syncs (>= ${config.minPositives})`)
      : rejected(`holdout has ${positives} conflicts of ${samples} syncs; at least ${config.minPositives} are needed to trust its ROC-AUC`);
  },
};

export const sameHoldout: ActivationRule = {
  name: 'same_holdout',
  check(candidate, active) {
    const c = candidate.metrics;
    const a = active.metrics;
    return c.samples === a.samples && c.positives === a.positives
      ? allowed(`both scored on the same ${c.samples} holdout syncs`)
      : rejected(`candidate was scored on ${c.samples} syncs (${c.positives} conflicts) but ${active.version} on ${a.samples} (${a.positives})`);
  },
};

export const notAlreadyActive: ActivationRule = {
  name: 'not_already_active',
  check(candidate, active) {
    return candidate.version !== active.version ? allowed('candidate is not the active model') : rejected(`${candidate.version} is already the active model`);
  },
};

/** The improvement the rule measures: relative `(new - old) / old`, or absolute `new - old`. */
export function rocAucImprovement(candidateAuc: number, activeAuc: number, mode: ActivationPolicyConfig['mode']): number {
  if (mode === 'absolute') return candidateAuc - activeAuc;
  return activeAuc === 0 ? Number.POSITIVE_INFINITY : (candidateAuc - activeAuc) / activeAuc;
}

export const rocAucImproves: ActivationRule = {
  name: 'roc_auc_improvement',
  check(candidate, active, config) {
    const c = candidate.metrics.roc_auc;
    const a = active.metrics.roc_auc;
    if (!isNumber(c)) return rejected(`candidate ${candidate.version} has no ROC-AUC on the holdout`);
    // An active model that cannot rank the holdout at all is beaten by any candidate that can.
    if (!isNumber(a)) return allowed(`${active.version} has no ROC-AUC on the holdout; candidate has ${fmt(c)}`);
    const gain = rocAucImprovement(c, a, config.mode);
    const gainText = config.mode === 'relative' ? `${gain >= 0 ? '+' : ''}${pct(gain)} relative` : `${gain >= 0 ? '+' : ''}${gain.toFixed(4)} absolute`;
    const need = config.mode === 'relative' ? pct(config.minImprovement) : config.minImprovement.toFixed(4);
    const text = `test ROC-AUC ${fmt(c)} vs ${fmt(a)} for ${active.version} (${gainText})`;
    // The epsilon keeps an improvement of exactly the threshold (in floating point) on the rejected side.
    return gain > config.minImprovement + 1e-12 ? allowed(`${text} > ${need}`) : rejected(`${text} is not more than the required ${need}`);
  },
};

/**
 * Beside the size of the gain, its noise: on a small holdout a +6% ROC-AUC is well within chance.
 * Paired DeLong test on the shared holdout, one-sided (candidate better than the active model).
 */
export const significantImprovement: ActivationRule = {
  name: 'significant_improvement',
  check(candidate, active, config) {
    const max = config.maxPValue ?? null;
    if (max === null) return allowed('no significance rule set (ACTIVATION_MAX_P_VALUE unset)');
    const d = candidate.delong ?? null;
    if (d === null) return rejected(`DeLong's test against ${active.version} could not be computed on this holdout (fewer than two rows of a class)`);
    const text = `DeLong one-sided p = ${d.p_value.toPrecision(3)} for ROC-AUC ${d.auc_difference >= 0 ? '+' : ''}${d.auc_difference.toFixed(4)} vs ${active.version} (SE ${d.standard_error.toFixed(4)}, 95% CI [${d.ci95[0].toFixed(4)}, ${d.ci95[1].toFixed(4)}])`;
    return d.p_value <= max ? allowed(`${text} <= ${max}`) : rejected(`${text} is above the allowed ${max}`);
  },
};

export const ACTIVATION_RULES: readonly ActivationRule[] = [candidateMetricsValid, holdoutMinPositives, sameHoldout, notAlreadyActive, rocAucImproves, significantImprovement];

export type PolicyDecision =
  | { readonly allowed: true; readonly reason: string }
  | { readonly allowed: false; readonly failures: RuleFailure[]; readonly reason: string };

export function decideActivation(
  candidate: EvaluatedModel,
  active: EvaluatedModel,
  config: ActivationPolicyConfig,
  rules: readonly ActivationRule[] = ACTIVATION_RULES,
): PolicyDecision {
  const verdicts = rules.map((rule) => ({ rule: rule.name, verdict: rule.check(candidate, active, config) }));
  const failures: RuleFailure[] = verdicts.flatMap(({ rule, verdict }) => (verdict.allowed ? [] : [{ rule, reason: verdict.reason }]));
  if (failures.length > 0) return { allowed: false, failures, reason: failures.map((f) => `${f.rule}: ${f.reason}`).join('; ') };
  const improvement = verdicts.find((v) => v.rule === rocAucImproves.name)?.verdict;
  const significance = config.maxPValue != null ? verdicts.find((v) => v.rule === significantImprovement.name)?.verdict : undefined;
  const note = [improvement, significance].flatMap((v) => (v?.allowed ? [v.note] : [])).join('; ') || 'all rules passed';
  return { allowed: true, reason: `auto-activated: ${note}` };
}

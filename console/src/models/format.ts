import { fmtNum } from '../common';
import type { DeLong, HistoryEntry, Model } from '../types';

/** The noise beside the gain: difference, its 95% interval and the one-sided p-value (candidate better). */
export function delongText(d: DeLong | null | undefined): string | null {
  if (d === undefined) return null;
  if (d === null) return "DeLong's test: not computable on this holdout";
  const sign = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(4)}`;
  const p = d.p_value < 0.0001 ? '< 0.0001' : `= ${d.p_value.toFixed(4)}`;
  return `DeLong: ΔAUC ${sign(d.auc_difference)} (SE ${d.standard_error.toFixed(4)}, 95% CI ${sign(d.ci95[0])} to ${sign(d.ci95[1])}), one-sided p ${p}`;
}

export const KIND: Record<HistoryEntry['type'], string> = {
  ModelEvaluated: 'Evaluated',
  ModelActivated: 'Activated',
  ModelDeactivated: 'Deactivated',
  ModelActivationRejected: 'Rejected',
  ModelRolledBack: 'Rolled back',
  ModelActivationReviewed: 'Reviewed',
};

export function entryDetail(e: HistoryEntry): string {
  const parts: string[] = [];
  switch (e.type) {
    case 'ModelEvaluated':
      if (e.candidate && e.baseline) {
        parts.push(`holdout ROC-AUC ${fmtNum(e.candidate.metrics.roc_auc)} vs ${e.baseline.version} ${fmtNum(e.baseline.metrics.roc_auc)}`);
      }
      break;
    case 'ModelActivated':
      if (e.cause) parts.push(e.cause);
      if (e.previous_version) parts.push(`replacing ${e.previous_version}`);
      break;
    case 'ModelDeactivated':
      if (e.replaced_by && !e.reason?.includes(e.replaced_by)) parts.push(`replaced by ${e.replaced_by}`);
      break;
    case 'ModelActivationRejected':
      for (const f of e.failures ?? []) parts.push(`${f.rule}: ${f.reason}`);
      break;
    case 'ModelRolledBack':
      parts.push(`back to ${e.to_version ?? 'heuristic_v1'}`);
      break;
    case 'ModelActivationReviewed':
      if (e.outcome) parts.push(e.outcome);
      break;
  }
  if (e.reason && !(e.type === 'ModelActivationRejected' && (e.failures?.length ?? 0) > 0)) parts.push(e.reason);
  return parts.join(' · ');
}

/** What the last evaluation of a version decided: rejected (with why), accepted (auto-activated) or only scored. */
export function evaluationText(m: Model, history: HistoryEntry[]): string {
  const ev = m.last_evaluation;
  if (!ev) return m.kind === 'registered' ? 'registered from outside; not evaluated' : 'not evaluated (trained by hand)';
  const scores = `ROC-AUC ${fmtNum(ev.candidate.metrics.roc_auc)} vs ${ev.baseline.version} ${fmtNum(ev.baseline.metrics.roc_auc)}`;
  if (m.last_rejection && m.last_rejection.evaluation_id === ev.evaluation_id) return `rejected: ${m.last_rejection.reason} (${scores})`;
  const accepted = history.some((h) => h.type === 'ModelActivated' && h.version === m.version && h.cause === 'auto');
  return `${accepted ? 'accepted' : 'evaluated'} (${scores})`;
}

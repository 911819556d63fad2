import { AccuracyFigure } from './model.events';

/**
 * Post-activation review: a newly activated model whose first-day accuracy is more than
 * `maxAccuracyDrop` (0.10 = ten points) below its predecessor's 7-day accuracy before the switch
 * is rolled back. Too few outcomes on either side means no judgement, never a rollback.
 */
export interface RollbackConfig {
  readonly maxAccuracyDrop: number;
  readonly minSamples: number;
}

export type RollbackDecision =
  | { readonly outcome: 'rollback'; readonly reason: string }
  | { readonly outcome: 'kept'; readonly reason: string }
  | { readonly outcome: 'insufficient_sample'; readonly reason: string };

export function accuracyOf(correct: number, total: number): number | null {
  return total > 0 ? correct / total : null;
}

const pts = (a: number): string => `${(a * 100).toFixed(1)}%`;

export function decideRollback(candidate: AccuracyFigure, predecessor: AccuracyFigure, config: RollbackConfig): RollbackDecision {
  const short = [candidate, predecessor].filter((f) => f.total < config.minSamples);
  if (short.length > 0) {
    const which = short.map((f) => `${f.version} has ${f.total} outcomes`).join(', ');
    return { outcome: 'insufficient_sample', reason: `${which}; at least ${config.minSamples} are needed to judge` };
  }
  const c = candidate.correct / candidate.total;
  const p = predecessor.correct / predecessor.total;
  const drop = p - c;
  const text = `first-day accuracy of ${candidate.version} ${pts(c)} (${candidate.correct}/${candidate.total}) vs 7-day accuracy of ${predecessor.version} ${pts(p)} (${predecessor.correct}/${predecessor.total}) before the switch`;
  // A small epsilon keeps an exact ten-point drop (computed in floating point) on the "kept" side.
  return drop > config.maxAccuracyDrop + 1e-12
    ? { outcome: 'rollback', reason: `${text}: ${(drop * 100).toFixed(1)} points worse, more than ${(config.maxAccuracyDrop * 100).toFixed(1)}` }
    : { outcome: 'kept', reason: `${text}: within ${(config.maxAccuracyDrop * 100).toFixed(1)} points` };
}

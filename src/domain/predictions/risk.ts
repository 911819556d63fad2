import { Recommendation, RiskLevel } from './prediction.events';

export interface RiskBounds {
  readonly medium: number;
  readonly high: number;
}

/** low < medium <= p < high <= high: the bounds belong to the riskier level. */
export function riskLevel(probability: number, bounds: RiskBounds): RiskLevel {
  if (probability >= bounds.high) return 'high';
  if (probability >= bounds.medium) return 'medium';
  return 'low';
}

const RECOMMENDATIONS: Record<RiskLevel, Recommendation> = { low: 'sync_now', medium: 'sync_with_review', high: 'delay_sync' };

export function recommendationFor(level: RiskLevel): Recommendation {
  return RECOMMENDATIONS[level];
}

/** A prediction is correct when "conflict predicted" (p >= threshold) matches what happened. */
export function isCorrect(probability: number, threshold: number, conflictOccurred: boolean): boolean {
  return probability >= threshold === conflictOccurred;
}

/**
 * The feature definitions a model may be recorded with: serving must feed a model the definition
 * it was trained with, so the registry records it. What each version computes is
 * `ml/conflict-features.ts`, which declares the same versions (the command side checks at compile
 * time that the two stay equal), so the domain depends on no numeric code.
 */
export const FEATURE_DEFINITIONS = [1, 2] as const;
export type FeatureDefinition = (typeof FEATURE_DEFINITIONS)[number];
/** Models recorded before definitions were versioned were trained with the first one. */
export const LEGACY_FEATURE_DEFINITION: FeatureDefinition = 1;

export function isFeatureDefinition(n: unknown): n is FeatureDefinition {
  return typeof n === 'number' && (FEATURE_DEFINITIONS as readonly number[]).includes(n);
}

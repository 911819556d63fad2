import type { ConflictFeatures, FeatureDefinition } from '../ml/conflict-features';

/** The model serving side: predictions from a type's active model, refreshed when activation changes. */
export const ACTIVE_MODELS = Symbol('ACTIVE_MODELS');

export interface ModelPrediction {
  readonly probability: number;
  readonly modelVersion: string;
}

export interface ServedPrediction extends ModelPrediction {
  /** What the model saw, under the definition it was trained with. */
  readonly features: ConflictFeatures;
  readonly featureDefinition: FeatureDefinition;
}

export interface ActiveModels {
  /** Never throws: with no usable active model it answers with the heuristic and says which. */
  predictWith(modelType: string, featuresFor: (definition: FeatureDefinition) => Promise<ConflictFeatures>): Promise<ServedPrediction>;
  /** Re-reads the active pointer of a type now (after an activation this process appended). */
  refresh(modelType: string): Promise<void>;
}

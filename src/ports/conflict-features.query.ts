import type { ConflictFeatures, FeatureDefinition } from '../ml/conflict-features';
import type { ConflictTrainingRow } from '../ml/train-conflict-model';

/** Point-in-time conflict features and training rows; the conflict-features read model answers it. */
export const CONFLICT_FEATURES_QUERY = Symbol('CONFLICT_FEATURES_QUERY');

export interface ConflictFeaturesQuery {
  /** Features of `userId` editing `fields` of an entity at `atMs`, from history known at that moment. */
  featuresAt(
    tenant: string,
    userId: string,
    entityType: string,
    entityId: string,
    fields: readonly string[],
    atMs: number,
    syncId?: string,
    definition?: FeatureDefinition,
  ): Promise<ConflictFeatures>;
  /** One row per settled sync of every tenant in the window, oldest first, features under `definition`. */
  trainingRows(daysBack: number, nowMs: number, definition?: FeatureDefinition): Promise<ConflictTrainingRow[]>;
}

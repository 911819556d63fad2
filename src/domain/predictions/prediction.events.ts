import { DomainEvent } from '../shared/events';

export const CONFLICT_PREDICTOR = 'conflict_predictor';

export type RiskLevel = 'low' | 'medium' | 'high';
export type Recommendation = 'sync_now' | 'sync_with_review' | 'delay_sync';

/** Events of one prediction's stream, `prediction-<predictionId>`. */
export type ConflictPredicted = DomainEvent<
  'ConflictPredicted',
  {
    predictionId: string;
    tenantId: string;
    modelType: string;
    /** A registry version, or `heuristic_v1` when no model served. */
    modelVersion: string;
    probability: number;
    riskLevel: RiskLevel;
    recommendation: Recommendation;
    /** The features the model saw, by name (CONFLICT_FEATURE_NAMES). */
    features: Record<string, number>;
    /** The feature definition they follow: the serving model's own (absent on older events: 1). */
    featureDefinition?: number;
    userId: string;
    entityType: string;
    entityId: string;
    deviceId: string;
    fields: string[];
    /** The sync the client announced; absent: matched to the user's next sync of the entity within 24 h. */
    syncId?: string;
    predictedAt: string;
  }
>;

/**
 * How a prediction turned out; recorded once. `syncId` is null when no sync was matched (then no
 * conflict can have occurred). `correct` is (probability >= threshold) === conflictOccurred.
 */
export type PredictionOutcomeRecorded = DomainEvent<
  'PredictionOutcomeRecorded',
  {
    predictionId: string;
    tenantId: string;
    syncId: string | null;
    conflictOccurred: boolean;
    correct: boolean;
    threshold: number;
    probability: number;
    modelType: string;
    modelVersion: string;
    predictedAt: string;
    recordedAt: string;
  }
>;

export type PredictionEvent = ConflictPredicted | PredictionOutcomeRecorded;

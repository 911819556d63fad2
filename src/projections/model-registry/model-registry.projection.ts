import { LEGACY_FEATURE_DEFINITION } from '../../ml/conflict-features';
import { RecordedEvent } from '../../domain/shared/events';
import {
  MODEL_EVENT_TYPES,
  ModelActivated,
  ModelActivationRejected,
  ModelActivationReviewed,
  ModelDeactivated,
  ModelEvaluated,
  ModelEvent,
  ModelRegistered,
  ModelRolledBack,
  ModelTrained,
} from '../../domain/models/model.events';
import { assertNever } from '../../domain/shared/errors';
import { Projection, ProjectionView } from '../../runtime/projection';

/** Read models of the registry: one document per version, the active pointer per type, the lifecycle history. */
export const MODEL_VERSIONS = 'model_registry_versions';
export const MODEL_ACTIVE = 'model_registry_active';
export const MODEL_HISTORY = 'model_registry_history';

export type VersionStatus = 'candidate' | 'active' | 'inactive' | 'rejected' | 'rolled_back';

export interface ModelVersionDoc extends Record<string, unknown> {
  model_type: string;
  version: string;
  kind: 'trained' | 'registered';
  status: VersionStatus;
  created_at: string;
  metrics: Record<string, unknown> | null;
  feature_names: string[];
  /** The feature definition serving feeds this version (src/ml/conflict-features.ts). */
  feature_definition: number;
  algorithm: string | null;
  scaler: { mean: number[]; scale: number[] } | null;
  coefficients: number[] | null;
  intercept: number | null;
  holdout: Record<string, unknown> | null;
  training_window: Record<string, unknown> | null;
  row_count: number | null;
  training_ms: number | null;
  trigger: string | null;
  model_blob_hash: string;
  training_rows_blob_hash: string | null;
  signature: Record<string, unknown> | null;
  last_evaluation: Record<string, unknown> | null;
  last_rejection: Record<string, unknown> | null;
  activated_at: string | null;
  deactivated_at: string | null;
}

export interface ActivePointerDoc extends Record<string, unknown> {
  model_type: string;
  version: string | null;
  activated_at: string | null;
  activated_by: string | null;
  reason: string | null;
  cause: string | null;
  previous_version: string | null;
}

export interface HistoryDoc extends Record<string, unknown> {
  event_id: string;
  model_type: string;
  type: string;
  version: string;
  at: string;
  by: string;
  reason: string | null;
  position: number;
  details: Record<string, unknown>;
}

export const versionKey = (modelType: string, version: string): string => `${modelType}:${version}`;

async function updateVersion(view: ProjectionView, modelType: string, version: string, change: (doc: ModelVersionDoc) => Partial<ModelVersionDoc>): Promise<void> {
  const id = versionKey(modelType, version);
  const doc = await view.get<ModelVersionDoc>(MODEL_VERSIONS, id);
  if (doc) view.put(MODEL_VERSIONS, id, { ...doc, ...change(doc) });
}

function history(event: RecordedEvent, version: string, by: string, reason: string | null, details: Record<string, unknown>): HistoryDoc {
  const data = event.data as { modelType: string; at: string };
  return { event_id: event.eventId, model_type: data.modelType, type: event.type, version, at: data.at, by, reason, position: event.position, details };
}

export function trainedDoc(d: ModelTrained['data']): ModelVersionDoc {
  return {
    model_type: d.modelType,
    version: d.version,
    kind: 'trained',
    status: 'candidate',
    created_at: d.at,
    metrics: { ...d.metrics },
    feature_names: d.featureNames,
    feature_definition: d.featureDefinition ?? LEGACY_FEATURE_DEFINITION,
    algorithm: d.algorithm,
    scaler: d.scaler,
    coefficients: d.coefficients,
    intercept: d.intercept,
    holdout: { ...d.holdout },
    training_window: { ...d.trainingWindow },
    row_count: d.rowCount,
    training_ms: d.trainingMs,
    trigger: d.trigger,
    model_blob_hash: d.modelBlobHash,
    training_rows_blob_hash: d.trainingRowsBlobHash,
    signature: null,
    last_evaluation: null,
    last_rejection: null,
    activated_at: null,
    deactivated_at: null,
  };
}

export function registeredDoc(d: ModelRegistered['data']): ModelVersionDoc {
  return {
    model_type: d.modelType,
    version: d.version,
    kind: 'registered',
    status: 'candidate',
    created_at: d.at,
    metrics: null,
    feature_names: d.featureNames,
    feature_definition: d.featureDefinition ?? LEGACY_FEATURE_DEFINITION,
    algorithm: null,
    scaler: null,
    coefficients: null,
    intercept: null,
    holdout: null,
    training_window: null,
    row_count: null,
    training_ms: null,
    trigger: null,
    model_blob_hash: d.modelBlobHash,
    training_rows_blob_hash: null,
    signature: { ...d.signature, size_bytes: d.sizeBytes, file_name: d.fileName },
    last_evaluation: null,
    last_rejection: null,
    activated_at: null,
    deactivated_at: null,
  };
}

/** The version becomes active and the pointer moves to it. */
async function applyActivated(recorded: RecordedEvent, d: ModelActivated['data'], view: ProjectionView): Promise<void> {
  await updateVersion(view, d.modelType, d.version, () => ({ status: 'active', activated_at: d.at }));
  const pointer: ActivePointerDoc = {
    model_type: d.modelType,
    version: d.version,
    activated_at: d.at,
    activated_by: d.activatedBy,
    reason: d.reason,
    cause: d.cause,
    previous_version: d.previousVersion,
  };
  view.put(MODEL_ACTIVE, d.modelType, pointer);
  view.put(MODEL_HISTORY, recorded.eventId, history(recorded, d.version, d.activatedBy, d.reason, { cause: d.cause, previous_version: d.previousVersion }));
}

/** The version goes inactive (a rolled-back one keeps saying so); the pointer clears if it named it. */
async function applyDeactivated(recorded: RecordedEvent, d: ModelDeactivated['data'], view: ProjectionView): Promise<void> {
  await updateVersion(view, d.modelType, d.version, (doc) => ({ status: doc.status === 'rolled_back' ? 'rolled_back' : 'inactive', deactivated_at: d.at }));
  const pointer = await view.get<ActivePointerDoc>(MODEL_ACTIVE, d.modelType);
  if (pointer?.version === d.version) {
    view.put(MODEL_ACTIVE, d.modelType, { model_type: d.modelType, version: null, activated_at: null, activated_by: null, reason: null, cause: null, previous_version: d.version });
  }
  view.put(MODEL_HISTORY, recorded.eventId, history(recorded, d.version, d.deactivatedBy, d.reason, { replaced_by: d.replacedBy }));
}

async function apply(recorded: RecordedEvent, view: ProjectionView): Promise<void> {
  const event = recorded as unknown as ModelEvent & RecordedEvent;
  const actor = recorded.metadata.actorId;
  switch (event.type) {
    case 'ModelTrained': {
      const d = event.data as ModelTrained['data'];
      view.put(MODEL_VERSIONS, versionKey(d.modelType, d.version), trainedDoc(d));
      return;
    }
    case 'ModelRegistered': {
      const d = event.data as ModelRegistered['data'];
      view.put(MODEL_VERSIONS, versionKey(d.modelType, d.version), registeredDoc(d));
      return;
    }
    case 'ModelEvaluated': {
      const d = event.data as ModelEvaluated['data'];
      const evaluation = { evaluation_id: d.evaluationId, at: d.at, holdout: d.holdout, candidate: d.candidate, baseline: d.baseline, delong: d.delong ?? null };
      await updateVersion(view, d.modelType, d.version, () => ({ last_evaluation: evaluation }));
      view.put(MODEL_HISTORY, recorded.eventId, history(recorded, d.version, actor, null, evaluation));
      return;
    }
    case 'ModelActivated':
      return applyActivated(recorded, event.data as ModelActivated['data'], view);
    case 'ModelDeactivated':
      return applyDeactivated(recorded, event.data as ModelDeactivated['data'], view);
    case 'ModelActivationRejected': {
      const d = event.data as ModelActivationRejected['data'];
      const rejection = { evaluation_id: d.evaluationId, at: d.at, failures: d.failures, reason: d.reason, active_version: d.activeVersion };
      await updateVersion(view, d.modelType, d.version, (doc) => ({ status: doc.status === 'active' ? 'active' : 'rejected', last_rejection: rejection }));
      view.put(MODEL_HISTORY, recorded.eventId, history(recorded, d.version, d.rejectedBy, d.reason, { failures: d.failures, active_version: d.activeVersion }));
      return;
    }
    case 'ModelRolledBack': {
      const d = event.data as ModelRolledBack['data'];
      await updateVersion(view, d.modelType, d.fromVersion, () => ({ status: 'rolled_back' }));
      view.put(
        MODEL_HISTORY,
        recorded.eventId,
        history(recorded, d.fromVersion, d.rolledBackBy, d.reason, { from_version: d.fromVersion, to_version: d.toVersion, candidate: d.candidate, predecessor: d.predecessor }),
      );
      return;
    }
    case 'ModelActivationReviewed': {
      const d = event.data as ModelActivationReviewed['data'];
      view.put(MODEL_HISTORY, recorded.eventId, history(recorded, d.version, actor, d.reason, { outcome: d.outcome, candidate: d.candidate, predecessor: d.predecessor }));
      return;
    }
    default:
      assertNever(event, 'model event');
  }
}

export const modelRegistryProjection: Projection = {
  name: 'model-registry',
  // 2: feature_definition per version, DeLong's test in evaluations.
  version: 2,
  collections: [MODEL_VERSIONS, MODEL_ACTIVE, MODEL_HISTORY],
  indexes: {
    [MODEL_VERSIONS]: [['model_type', 'created_at'], ['model_type', 'version']],
    [MODEL_HISTORY]: [['model_type', 'position']],
  },
  eventTypes: MODEL_EVENT_TYPES,
  apply,
};

import { Injectable } from '@nestjs/common';
import type { ModelRegistered, ModelTrained } from '../../domain/models/model.events';
import { toWire } from '../../http/conventions';
import type { ModelVersionAnswers } from '../../ports/model-version-answers.port';
import { ActivePointerDoc, HistoryDoc, ModelVersionDoc, registeredDoc, trainedDoc } from './model-registry.projection';

/*
 * Model answers on the wire. The read models keep nested values as the events carry them
 * (camelCase: `holdout.trainFrom`, `signature.inputName`, `baseline.activeVersion`, …); every
 * answer goes through toWire() here, so the wire is snake_case at every depth. The audit
 * endpoints answer events as stored and do not use these.
 */

/** One version on the wire: metrics, feature names and, for trained regressions, the fitted parameters. */
export function versionAnswer(doc: ModelVersionDoc) {
  return toWire({
    model_type: doc.model_type,
    version: doc.version,
    kind: doc.kind,
    status: doc.status,
    created_at: doc.created_at,
    algorithm: doc.algorithm,
    metrics: doc.metrics,
    feature_names: doc.feature_names,
    feature_definition: doc.feature_definition,
    scaler: doc.scaler,
    coefficients: doc.coefficients,
    intercept: doc.intercept,
    holdout: doc.holdout,
    training_window: doc.training_window,
    row_count: doc.row_count,
    training_ms: doc.training_ms,
    trigger: doc.trigger,
    model_blob_hash: doc.model_blob_hash,
    training_rows_blob_hash: doc.training_rows_blob_hash,
    signature: doc.signature,
    last_evaluation: doc.last_evaluation,
    last_rejection: doc.last_rejection,
    activated_at: doc.activated_at,
    deactivated_at: doc.deactivated_at,
  });
}

export function pointerAnswer(modelType: string, doc: ActivePointerDoc | null) {
  return toWire({
    model_type: modelType,
    version: doc?.version ?? null,
    activated_at: doc?.activated_at ?? null,
    activated_by: doc?.activated_by ?? null,
    reason: doc?.reason ?? null,
    cause: doc?.cause ?? null,
    previous_version: doc?.previous_version ?? null,
  });
}

/** One lifecycle event of the history: its details (evaluation, failures, accuracy figures) in snake_case. */
export function historyAnswer(doc: HistoryDoc) {
  return toWire({ event_id: doc.event_id, type: doc.type, model_type: doc.model_type, version: doc.version, at: doc.at, by: doc.by, reason: doc.reason, position: String(doc.position), ...doc.details });
}

/** MODEL_VERSION_ANSWERS: training and upload answer with the version as the registry will show it. */
@Injectable()
export class ModelVersionAnswerService implements ModelVersionAnswers {
  trained(data: ModelTrained['data']) {
    return versionAnswer(trainedDoc(data));
  }

  registered(data: ModelRegistered['data']) {
    return versionAnswer(registeredDoc(data));
  }
}

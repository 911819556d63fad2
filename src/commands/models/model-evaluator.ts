import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config';
import { HoldoutMetrics } from '../../domain/models/model.events';
import { VersionInfo } from '../../domain/models/model-registry.decider';
import { BLOB_STORE, BlobStore } from '../../ports/blob-store.port';
import { INFERENCE_RUNTIME, InferenceRuntime } from '../../ports/inference-runtime.port';
import { heuristicProbability, HEURISTIC_MODEL_VERSION } from '../../ml/conflict-features';
import { ConflictTrainingRow, EvaluationMetrics, evaluatePredictions } from '../../ml/train-conflict-model';

export interface Scored {
  readonly metrics: HoldoutMetrics;
  readonly probabilities: readonly number[];
}

export function holdoutMetrics(m: EvaluationMetrics): HoldoutMetrics {
  return {
    roc_auc: m.roc_auc,
    accuracy: m.accuracy,
    threshold: m.threshold,
    precision: m.precision,
    recall: m.recall,
    f1: m.f1,
    per_class: m.per_class,
    confusion_matrix: m.confusion_matrix,
    samples: m.samples,
    positives: m.positives,
  };
}

/**
 * Scores stored models and heuristic_v1 on given rows the way serving runs them (the model's ONNX
 * blob in onnxruntime-node), so a candidate and the active model are compared like for like.
 */
@Injectable()
export class ModelEvaluator {
  constructor(
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(INFERENCE_RUNTIME) private readonly runtime: InferenceRuntime,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async scoreVersion(info: VersionInfo, rows: readonly ConflictTrainingRow[]): Promise<HoldoutMetrics> {
    return (await this.scoreVersionWithProbabilities(info, rows)).metrics;
  }

  /** The metrics and each row's probability (for paired tests on the same rows). */
  async scoreVersionWithProbabilities(info: VersionInfo, rows: readonly ConflictTrainingRow[]): Promise<Scored> {
    const bytes = await this.blobs.get(info.modelBlobHash);
    if (!bytes) throw new Error(`model blob ${info.modelBlobHash} of ${info.version} is missing`);
    const model = await this.runtime.load(bytes);
    try {
      const probabilities = await model.predict(rows.map((r) => r.features));
      return { metrics: this.metrics(probabilities, rows), probabilities };
    } finally {
      await model.release();
    }
  }

  scoreHeuristic(rows: readonly ConflictTrainingRow[]): HoldoutMetrics {
    return this.scoreHeuristicWithProbabilities(rows).metrics;
  }

  scoreHeuristicWithProbabilities(rows: readonly ConflictTrainingRow[]): Scored {
    const probabilities = rows.map((r) => heuristicProbability(r.features));
    return { metrics: this.metrics(probabilities, rows), probabilities };
  }

  readonly heuristicVersion = HEURISTIC_MODEL_VERSION;

  private metrics(probabilities: readonly number[], rows: readonly ConflictTrainingRow[]): HoldoutMetrics {
    return holdoutMetrics(evaluatePredictions(probabilities, rows.map((r) => r.label), this.config.conflictDecisionThreshold));
  }
}

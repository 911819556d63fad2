import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { performance } from 'node:perf_hooks';
import { ModelTrained, modelStream } from '../../domain/models/model.events';
import { modelRegistryDecider } from '../../domain/models/model-registry.decider';
import { DAY_MS } from '../../domain/shared/clock';
import { BLOB_STORE, BlobStore, StoredBlob } from '../../ports/blob-store.port';
import { exportConflictModelToOnnx } from '../../ml/onnx-export';
import { ML_COMPUTE, MlComputePort } from '../../ports/ml-compute.port';
import { CURRENT_FEATURE_DEFINITION, FeatureDefinition } from '../../ml/conflict-features';
import { ConflictTrainingRow, TrainedConflictModel } from '../../ml/train-conflict-model';
import { TrainingInputError } from '../../ml/training-input-error';
import { CONFLICT_FEATURES_QUERY, ConflictFeaturesQuery } from '../../ports/conflict-features.query';
import { CommandContext, Decide } from '../../runtime/decide';
import { ModelStreamReader } from './model-stream.reader';
import { assertTrainableType } from './model-types';
import { trainingRowsToCsv } from './training-data-csv';
import { UnavailableError, UnprocessableError } from '../../domain/shared/errors';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { ProjectionRunner } from '../../runtime/projection-runner';

export const DEFAULT_DAYS_BACK = 90;

/** Rows ml refuses to train on are answered 422, with ml's message and details. */
export function asUnprocessable(error: unknown): unknown {
  return error instanceof TrainingInputError ? new UnprocessableError(error.message, error.details) : error;
}

export interface TrainRequest {
  readonly modelType: string;
  readonly daysBack: number;
  readonly at: Date;
  readonly context: CommandContext;
  readonly trigger: ModelTrained['data']['trigger'];
  /** Names the run; recording the same run twice appends nothing (the first version is answered). */
  readonly runId: string;
}

export interface TrainResult {
  readonly modelType: string;
  readonly version: string;
  readonly event: ModelTrained['data'];
  /** The fitted model with every row and its split, as trained by this call. */
  readonly trained: TrainedConflictModel;
  readonly position: number;
  /** False when the run had been recorded before: `event` is then the first recording. */
  readonly created: boolean;
  /** Wall time of extraction, fit, export and storage. */
  readonly timings: { readonly extractMs: number; readonly fitMs: number; readonly exportAndStoreMs: number };
}

/**
 * Extract → train → export → store → record ModelTrained. Training never activates: that is a
 * separate, recorded decision (by a person, or by the retraining saga's policy).
 */
@Injectable()
export class ModelTrainingService {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(CONFLICT_FEATURES_QUERY) private readonly features: ConflictFeaturesQuery,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly reader: ModelStreamReader,
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(ML_COMPUTE) private readonly compute: MlComputePort,
  ) {}

  /** The same syncs' rows under another feature definition (to score a model trained with it). */
  rowsWithDefinition(daysBack: number, at: Date, definition: FeatureDefinition): Promise<ConflictTrainingRow[]> {
    return this.features.trainingRows(daysBack, at.getTime(), definition);
  }

  /** The ONNX export and the training rows (kept: they make the version reproducible), stored as blobs. */
  private storeArtifacts(request: TrainRequest, rowCount: number, trained: TrainedConflictModel): Promise<[StoredBlob, StoredBlob]> {
    const onnx = exportConflictModelToOnnx(trained, {
      graphName: request.modelType,
      docString: `${request.modelType} logistic regression trained ${request.at.toISOString()} on ${rowCount} syncs`,
      metadata: { model_type: request.modelType, feature_names: trained.featureNames.join(','), trained_at: request.at.toISOString(), run_id: request.runId },
    });
    return Promise.all([
      this.blobs.put(onnx, 'application/onnx'),
      // Kept for as long as the version exists: the rows make the version reproducible.
      this.blobs.put(Buffer.from(trainingRowsToCsv(trained.rows), 'utf8'), 'text/csv'),
    ]);
  }

  async train(request: TrainRequest): Promise<TrainResult> {
    const { modelType, daysBack, at } = request;
    assertTrainableType(modelType);
    // Train on everything the log holds when asked, not on a read model that is still catching up.
    const head = await this.events.headPosition();
    if (!(await this.runner.waitForPosition(head, 10_000))) throw new UnavailableError(`read models have not reached log position ${head} yet; retry shortly`, 2);
    const t0 = performance.now();
    const rows = await this.features.trainingRows(daysBack, at.getTime(), CURRENT_FEATURE_DEFINITION);
    const t1 = performance.now();
    // Throws UnprocessableError (422) for fewer than 100 rows or a single class, saying which.
    const trained = await this.compute.trainConflictModel(rows).catch((error: unknown) => {
      throw asUnprocessable(error);
    });
    const t2 = performance.now();
    const [modelBlob, rowsBlob] = await this.storeArtifacts(request, rows.length, trained);
    const t3 = performance.now();
    const result = await this.commandBus.execute(
      new Decide(
        modelStream(modelType),
        modelRegistryDecider,
        {
          kind: 'RecordTrainedModel',
          modelType,
          at: at.toISOString(),
          runId: request.runId,
          model: {
            trigger: request.trigger,
            algorithm: trained.algorithm,
            featureNames: [...trained.featureNames],
            featureDefinition: CURRENT_FEATURE_DEFINITION,
            scaler: { mean: [...trained.scaler.mean], scale: [...trained.scaler.scale] },
            coefficients: [...trained.coefficients],
            intercept: trained.intercept,
            metrics: { ...trained.metrics },
            holdout: trained.holdout,
            trainingWindow: { from: new Date(at.getTime() - daysBack * DAY_MS).toISOString(), to: at.toISOString(), daysBack },
            rowCount: rows.length,
            modelBlobHash: modelBlob.hash,
            trainingRowsBlobHash: rowsBlob.hash,
            trainingMs: round(t2 - t1),
          },
        },
        request.context,
      ),
    );
    const version = result.state.runs[request.runId];
    const fresh = result.events.find((e) => e.type === 'ModelTrained');
    const event = fresh?.type === 'ModelTrained' ? fresh.data : await this.reader.trained(modelType, version);
    if (!event) throw new Error(`run ${request.runId} names ${version}, but its ModelTrained is not in the stream`);
    return {
      modelType,
      version,
      event,
      trained,
      position: result.position,
      created: fresh !== undefined,
      timings: { extractMs: round(t1 - t0), fitMs: round(t2 - t1), exportAndStoreMs: round(t3 - t2) },
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

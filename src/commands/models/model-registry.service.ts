import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FeatureDefinition as RecordedFeatureDefinition } from '../../domain/models/feature-definition';
import { ModelCommand, RegistryState, modelRegistryDecider } from '../../domain/models/model-registry.decider';
import { ModelEvent, modelStream } from '../../domain/models/model.events';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { PayloadTooLargeError } from '../../domain/shared/errors';
import { APP_CONFIG, AppConfig } from '../../config';
import { BLOB_STORE, BlobStore } from '../../ports/blob-store.port';
import { INFERENCE_RUNTIME, InferenceRuntime } from '../../ports/inference-runtime.port';
import { CONFLICT_FEATURE_NAMES, CURRENT_FEATURE_DEFINITION, FeatureDefinition } from '../../ml/conflict-features';
import { ACTIVE_MODELS, ActiveModels } from '../../ports/active-models.query';
import { CommandContext, CommandResult, Decide } from '../../runtime/decide';
import { assertTrainableType } from './model-types';

export type RegistryResult = CommandResult<RegistryState, ModelEvent>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The registry (domain) and the feature code (ml) each declare the definition versions; this fails to compile when they differ.
const _definitionsMatch: Same<RecordedFeatureDefinition, FeatureDefinition> = true;

/** Activation, deactivation and registration of outside models: each one decision on the registry stream. */
@Injectable()
export class ModelRegistryService {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(ACTIVE_MODELS) private readonly activeModels: ActiveModels,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(INFERENCE_RUNTIME) private readonly runtime: InferenceRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Activating the active version appends nothing; the previous active one is deactivated in the same append. */
  activate(modelType: string, version: string, context: CommandContext, reason = 'activated by hand'): Promise<RegistryResult> {
    return this.send(modelType, { kind: 'ActivateModel', modelType, at: this.now(), version, actor: context.actorId, reason }, context);
  }

  deactivate(modelType: string, version: string, context: CommandContext, reason = 'deactivated by hand'): Promise<RegistryResult> {
    return this.send(modelType, { kind: 'DeactivateModel', modelType, at: this.now(), version, actor: context.actorId, reason }, context);
  }

  /**
   * Registers an outside ONNX model after loading it in onnxruntime-node and checking it against the
   * conflict model contract; an invalid file throws UnprocessableError (422) before anything is stored.
   */
  async register(modelType: string, bytes: Buffer, fileName: string | null, context: CommandContext, featureDefinition: FeatureDefinition = CURRENT_FEATURE_DEFINITION): Promise<RegistryResult> {
    assertTrainableType(modelType);
    if (bytes.length > this.config.maxUploadMb * 1024 * 1024) throw new PayloadTooLargeError(`model file is larger than MAX_UPLOAD_MB (${this.config.maxUploadMb} MB)`);
    const signature = await this.runtime.validateConflictModel(bytes);
    const blob = await this.blobs.put(bytes, 'application/onnx');
    return this.send(
      modelType,
      {
        kind: 'RegisterModel',
        modelType,
        at: this.now(),
        model: { featureNames: [...CONFLICT_FEATURE_NAMES], featureDefinition, modelBlobHash: blob.hash, sizeBytes: bytes.length, fileName, signature: { ...signature } },
      },
      context,
    );
  }

  async send(modelType: string, command: ModelCommand, context: CommandContext): Promise<RegistryResult> {
    assertTrainableType(modelType);
    const result = await this.commandBus.execute(new Decide(modelStream(modelType), modelRegistryDecider, command, context));
    if (result.events.some((e) => e.type === 'ModelActivated' || e.type === 'ModelDeactivated')) await this.activeModels.refresh(modelType);
    return result;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}

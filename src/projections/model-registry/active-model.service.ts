import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ACTIVATION_EVENT_TYPES, ModelEvent, modelStream, modelTypeOfStream } from '../../domain/models/model.events';
import { foldRegistry } from '../../domain/models/model-registry.decider';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { ActiveModels, ModelPrediction, ServedPrediction } from '../../ports/active-models.query';
import { BLOB_STORE, BlobStore } from '../../ports/blob-store.port';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { INFERENCE_RUNTIME, InferenceRuntime, LoadedModel } from '../../ports/inference-runtime.port';
import { CURRENT_FEATURE_DEFINITION, ConflictFeatures, FeatureDefinition, HEURISTIC_MODEL_VERSION, heuristicProbability, toFeatureVector } from '../../ml/conflict-features';
import { SharedLog } from '../../runtime/shared-log';

export type { ModelPrediction, ServedPrediction } from '../../ports/active-models.query';

interface Pointer {
  readonly version: string;
  readonly modelBlobHash: string;
  readonly featureDefinition: FeatureDefinition;
}

interface SessionEntry {
  readonly version: string;
  readonly model: Promise<LoadedModel>;
  /** Set when loading failed: a broken blob is not reloaded on every request, only after a pause. */
  failedAt: number | null;
}

/** How long a model that failed to load is left alone before the next attempt. */
const RETRY_FAILED_LOAD_MS = 60_000;
/** A broken model fails every request: say so at most once a minute per type, with the count. */
const WARN_EVERY_MS = 60_000;
/** In-flight predictions may still hold a replaced session; release it a little later. */
const RELEASE_DELAY_MS = 5_000;

/**
 * Serves the active model of a type in onnxruntime-node. Sessions are cached per version; the
 * active pointer is folded from the `model-<type>` stream once and refreshed when an activation
 * event is seen on a subscription to the log (no polling of the registry). Never throws: with no
 * active model, or when loading or running it fails, it answers with heuristic_v1 and logs why.
 */
@Injectable()
export class ActiveModelService implements ActiveModels, OnModuleDestroy {
  private readonly logger = new Logger(ActiveModelService.name);
  private readonly pointers = new Map<string, Promise<Pointer | null>>();
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly abort = new AbortController();
  private watching: Promise<void> | null = null;
  private readonly warned = new Map<string, { at: number; suppressed: number }>();

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(INFERENCE_RUNTIME) private readonly runtime: InferenceRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly log: SharedLog,
  ) {}

  /** Features must follow the active model's definition (see predictWith). */
  async predict(modelType: string, features: ConflictFeatures | number[], known?: Pointer | null): Promise<ModelPrediction> {
    const vector = Array.isArray(features) ? features : toFeatureVector(features);
    let pointer: Pointer | null = null;
    try {
      pointer = known !== undefined ? known : await this.pointer(modelType);
      if (pointer === null) return this.heuristic(vector);
      const model = await this.session(modelType, pointer);
      const [probability] = await model.predict([vector]);
      if (typeof probability !== 'number' || !Number.isFinite(probability) || probability < 0 || probability > 1) {
        throw new Error(`model returned ${String(probability)}, not a probability`);
      }
      return { probability, modelVersion: pointer.version };
    } catch (error) {
      this.warnFallback(modelType, pointer?.version ?? '(pointer)', error);
      return this.heuristic(vector);
    }
  }

  /**
   * Serves with the features the model was trained on: `featuresFor` is asked for the active
   * model's definition, and again for the current one if heuristic_v1 has to answer instead.
   */
  async predictWith(modelType: string, featuresFor: (definition: FeatureDefinition) => Promise<ConflictFeatures>): Promise<ServedPrediction> {
    const pointer = await this.pointer(modelType).catch(() => null);
    const definition = pointer?.featureDefinition ?? CURRENT_FEATURE_DEFINITION;
    const features = await featuresFor(definition);
    const served = await this.predict(modelType, features, pointer);
    if (served.modelVersion !== HEURISTIC_MODEL_VERSION || definition === CURRENT_FEATURE_DEFINITION) return { ...served, features, featureDefinition: definition };
    const current = await featuresFor(CURRENT_FEATURE_DEFINITION);
    return { ...this.heuristic(toFeatureVector(current)), features: current, featureDefinition: CURRENT_FEATURE_DEFINITION };
  }

  /** The active version, or null when heuristic_v1 serves. */
  async activeVersion(modelType: string): Promise<string | null> {
    return (await this.pointer(modelType).catch(() => null))?.version ?? null;
  }

  /**
   * Re-read the pointer now. Commands of this process call it after appending, so their next
   * prediction already sees the change; the subscription does the same for other processes.
   */
  async refresh(modelType: string): Promise<void> {
    await this.ensureWatching();
    const next = this.readPointer(modelType);
    this.pointers.set(modelType, next);
    const pointer = await next.catch(() => null);
    for (const [key, entry] of this.sessions) {
      if (!key.startsWith(`${modelType}:`) || entry.version === pointer?.version) continue;
      this.sessions.delete(key);
      setTimeout(() => void entry.model.then((m) => m.release()).catch(() => undefined), RELEASE_DELAY_MS).unref();
    }
    // Warm the new model up, so the first prediction does not pay for the load.
    if (pointer) void this.session(modelType, pointer).catch(() => undefined);
  }

  onModuleDestroy(): void {
    this.abort.abort();
  }

  private warnFallback(modelType: string, version: string, error: unknown): void {
    const now = this.clock.now().getTime();
    const last = this.warned.get(modelType);
    if (last && now - last.at < WARN_EVERY_MS && now >= last.at) {
      last.suppressed += 1;
      return;
    }
    const more = last?.suppressed ? ` (${last.suppressed} more fallbacks since the last warning)` : '';
    this.logger.warn(`${modelType} model ${version} failed, serving ${HEURISTIC_MODEL_VERSION}: ${message(error)}${more}`);
    this.warned.set(modelType, { at: now, suppressed: 0 });
  }

  private heuristic(vector: readonly number[]): ModelPrediction {
    return { probability: heuristicProbability(vector), modelVersion: HEURISTIC_MODEL_VERSION };
  }

  private async pointer(modelType: string): Promise<Pointer | null> {
    let cached = this.pointers.get(modelType);
    if (!cached) {
      await this.ensureWatching();
      cached = this.pointers.get(modelType) ?? this.readPointer(modelType);
      this.pointers.set(modelType, cached);
      // A failed read is not cached: the next request tries again.
      cached.catch(() => this.pointers.get(modelType) === cached && this.pointers.delete(modelType));
    }
    return cached;
  }

  private async readPointer(modelType: string): Promise<Pointer | null> {
    const history = await this.events.readStream(modelStream(modelType));
    const state = foldRegistry(history as unknown as ModelEvent[]);
    if (!state.active) return null;
    const info = state.versions[state.active.version];
    return info ? { version: info.version, modelBlobHash: info.modelBlobHash, featureDefinition: info.featureDefinition } : null;
  }

  private session(modelType: string, pointer: Pointer): Promise<LoadedModel> {
    const key = `${modelType}:${pointer.version}`;
    const now = this.clock.now().getTime();
    const existing = this.sessions.get(key);
    if (existing && (existing.failedAt === null || now - existing.failedAt < RETRY_FAILED_LOAD_MS)) return existing.model;
    const entry: SessionEntry = { version: pointer.version, model: this.load(pointer), failedAt: null };
    entry.model.catch((error: unknown) => {
      entry.failedAt = this.clock.now().getTime();
      this.logger.error(`cannot load ${modelType} model ${pointer.version} (blob ${pointer.modelBlobHash}); ${HEURISTIC_MODEL_VERSION} serves meanwhile: ${message(error)}`);
    });
    this.sessions.set(key, entry);
    return entry.model;
  }

  private async load(pointer: Pointer): Promise<LoadedModel> {
    const bytes = await this.blobs.get(pointer.modelBlobHash);
    if (!bytes) throw new Error(`model blob ${pointer.modelBlobHash} is missing`);
    return this.runtime.load(bytes);
  }

  /** Subscribes from the head as it is before the first pointer read, so no activation is missed. */
  private ensureWatching(): Promise<void> {
    this.watching ??= this.events.headPosition().then((after) => {
      void this.watch(after);
    });
    return this.watching;
  }

  private async watch(after: number): Promise<void> {
    const types = new Set(ACTIVATION_EVENT_TYPES);
    try {
      for await (const event of this.log.follow(after, this.abort.signal)) {
        if (!types.has(event.type)) continue;
        const modelType = modelTypeOfStream(event.stream);
        if (modelType !== null) await this.refresh(modelType);
      }
    } catch (error) {
      if (!this.abort.signal.aborted) {
        this.logger.error(`model activation watch stopped; pointers are re-read on next use: ${message(error)}`);
        this.pointers.clear();
        this.watching = null;
      }
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

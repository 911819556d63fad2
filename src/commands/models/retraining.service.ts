import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { ModelRegistryService } from './model-registry.service';
import { ModelStreamReader } from './model-stream.reader';
import { DEFAULT_DAYS_BACK, ModelTrainingService } from './model-training.service';
import { parseTrainingCsv } from './training-data-csv';
import { CommandContext } from '../../runtime/decide';
import { APP_CONFIG, AppConfig } from '../../config';
import { ActivationPolicyConfig } from '../../domain/models/activation-policy';
import { ModelEvaluated, ModelEvent, RuleFailure } from '../../domain/models/model.events';
import { VersionInfo } from '../../domain/models/model-registry.decider';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { isoWeekKey } from '../../domain/training/iso-week';
import { ConflictError } from '../../domain/shared/errors';
import { BLOB_STORE, BlobStore } from '../../ports/blob-store.port';
import { SplitRow } from '../../ml/train-conflict-model';
import { CURRENT_FEATURE_DEFINITION } from '../../ml/conflict-features';
import { delongTest } from '../../ml/delong';
import { ModelEvaluator } from './model-evaluator';

export const RETRAINING_ACTOR = 'saga:retraining';
export const RETRAIN_JOB = 'model-retraining';
const MAX_EVALUATION_ATTEMPTS = 3;

export interface RetrainOutcome {
  readonly modelType: string;
  readonly version: string;
  readonly decision: 'activated' | 'rejected';
  /** True when this run had been decided before: nothing was appended, the first decision is answered. */
  readonly repeated: boolean;
  readonly reason: string;
  readonly failures: readonly RuleFailure[];
  readonly evaluation: ModelEvaluated['data'] | null;
  readonly previousVersion: string | null;
  readonly position: number;
  readonly timings: { readonly extractMs: number; readonly fitMs: number; readonly exportAndStoreMs: number; readonly evaluateMs: number };
}

/**
 * Weekly retraining: extract the past 90 days, train, score the candidate and the active model
 * (heuristic_v1 when none) on the candidate's holdout, and let the activation policy decide. The
 * schedule only calls `retrain`; the registry events record what ran. A run is named by its time,
 * so running it again (a crash, a second instance) appends nothing new.
 */
@Injectable()
export class RetrainingService implements OnModuleInit {
  private readonly logger = new Logger(RetrainingService.name);

  constructor(
    private readonly training: ModelTrainingService,
    private readonly registry: ModelRegistryService,
    private readonly reader: ModelStreamReader,
    private readonly evaluator: ModelEvaluator,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly scheduler?: SchedulerRegistry,
  ) {}

  onModuleInit(): void {
    if (!this.scheduler || !this.config.schedulesEnabled) return;
    const job = CronJob.from({
      cronTime: this.config.retrainCron,
      timeZone: this.config.timeZone,
      start: false,
      onTick: () => {
        const at = this.clock.now();
        // Keyed by week: every instance that fires this week names the same run, so it happens once.
        const runId = `retrain:conflict_predictor:${isoWeekKey(at, this.config.timeZone)}`;
        this.retrain('conflict_predictor', at, { runId }).then(
          (outcome) => this.logger.log(`scheduled retraining: ${outcome.version} ${outcome.decision}: ${outcome.reason}`),
          (error: unknown) => this.logger.error(`scheduled retraining failed: ${error instanceof Error ? error.message : String(error)}`),
        );
      },
    });
    this.scheduler.addCronJob(RETRAIN_JOB, job);
    job.start();
  }

  policy(): ActivationPolicyConfig {
    return {
      minImprovement: this.config.activationMinImprovement,
      mode: this.config.activationMode,
      minPositives: this.config.activationMinPositives,
      maxPValue: this.config.activationMaxPValue,
    };
  }

  /** On demand (CLI, ops endpoint) and on schedule. `at` names the run: the same `at` twice is one run. */
  async retrain(modelType: string, at: Date, options: { daysBack?: number; runId?: string } = {}): Promise<RetrainOutcome> {
    const runId = options.runId ?? `retrain:${modelType}:${at.toISOString()}`;
    const context = (suffix: string): CommandContext => ({ tenantId: null, actorId: RETRAINING_ACTOR, commandId: `${runId}${suffix}`, correlationId: runId, causationId: null });
    const trained = await this.training.train({ modelType, daysBack: options.daysBack ?? DEFAULT_DAYS_BACK, at, context: context(''), trigger: 'retraining', runId });
    const version = trained.version;
    const started = performance.now();
    // The exact rows recorded with the version: a repeated run scores what the first one trained on.
    const rows: readonly SplitRow[] = trained.created ? trained.trained.rows : await this.recordedRows(trained.event.trainingRowsBlobHash);
    const holdout = rows.filter((r) => r.split === 'test');
    const evaluationId = `${runId}:evaluation`;

    for (let attempt = 1; ; attempt++) {
      const state = await this.reader.state(modelType);
      if (state.evaluations[evaluationId] !== undefined) return this.outcomeFromStream(modelType, version, runId, trained.timings, performance.now() - started);
      const candidateInfo = state.versions[version];
      const activeVersion = state.active?.version ?? null;
      const scored = await this.evaluator.scoreVersionWithProbabilities(candidateInfo, holdout);
      const candidate = { version, metrics: scored.metrics };
      const activeInfo = state.active === null ? null : state.versions[state.active.version];
      const { probabilities, ...baseline } = await this.baseline(activeInfo, await this.holdoutFor(activeInfo, holdout, options.daysBack ?? DEFAULT_DAYS_BACK, at));
      const test = delongTest(scored.probabilities, probabilities, holdout.map((r) => r.label));
      const delong = test && { auc_difference: test.auc_difference, standard_error: test.standard_error, ci95: test.ci95, p_value: test.p_value };
      try {
        const result = await this.registry.send(
          modelType,
          {
            kind: 'RecordEvaluation',
            modelType,
            at: this.clock.now().toISOString(),
            evaluationId,
            evaluation: { version, holdoutRowsBlobHash: trained.event.trainingRowsBlobHash, holdout: trained.event.holdout, candidate, baseline: { ...baseline, activeVersion }, delong },
            autoActivate: { policy: this.policy(), actor: RETRAINING_ACTOR },
          },
          context(':evaluate'),
        );
        return this.outcome(modelType, version, result.events, result.position, trained.timings, performance.now() - started);
      } catch (error) {
        // The active model changed while we scored it: score the new one.
        if (!(error instanceof ConflictError) || attempt >= MAX_EVALUATION_ATTEMPTS) throw error;
      }
    }
  }

  private async baseline(active: VersionInfo | null | undefined, holdout: readonly SplitRow[]) {
    if (!active) return { version: this.evaluator.heuristicVersion, ...this.evaluator.scoreHeuristicWithProbabilities(holdout), note: null };
    try {
      return { version: active.version, ...(await this.evaluator.scoreVersionWithProbabilities(active, holdout)), note: null };
    } catch (error) {
      // A broken active model is not served (heuristic_v1 answers instead), so that is what the candidate must beat.
      const note = `active model ${active.version} could not be scored (${error instanceof Error ? error.message : String(error)}); compared with ${this.evaluator.heuristicVersion}, which serves instead`;
      this.logger.warn(note);
      return { version: this.evaluator.heuristicVersion, ...this.evaluator.scoreHeuristicWithProbabilities(holdout), note };
    }
  }

  /**
   * The holdout as the active model must see it: the same syncs and labels, with features under
   * the definition it was trained with (heuristic_v1 and current models use the holdout as is).
   */
  private async holdoutFor(active: VersionInfo | null | undefined, holdout: readonly SplitRow[], daysBack: number, at: Date): Promise<readonly SplitRow[]> {
    if (!active || active.featureDefinition === CURRENT_FEATURE_DEFINITION) return holdout;
    const rows = new Map((await this.training.rowsWithDefinition(daysBack, at, active.featureDefinition)).map((r) => [r.syncId, r.features]));
    return holdout.map((r) => {
      const features = rows.get(r.syncId);
      if (!features) throw new Error(`holdout sync ${r.syncId} has no row under feature definition ${active.featureDefinition}`);
      return { ...r, features };
    });
  }

  private async recordedRows(hash: string): Promise<SplitRow[]> {
    const csv = await this.blobs.get(hash);
    if (!csv) throw new Error(`training rows blob ${hash} is missing`);
    return parseTrainingCsv(csv.toString('utf8'));
  }

  private outcome(
    modelType: string,
    version: string,
    events: readonly ModelEvent[],
    position: number,
    timings: Omit<RetrainOutcome['timings'], 'evaluateMs'>,
    evaluateMs: number,
    repeated = false,
  ): RetrainOutcome {
    const evaluated = events.find((e) => e.type === 'ModelEvaluated');
    const activated = events.find((e) => e.type === 'ModelActivated');
    const rejected = events.find((e) => e.type === 'ModelActivationRejected');
    const base = { modelType, version, position, repeated, evaluation: evaluated?.type === 'ModelEvaluated' ? evaluated.data : null, timings: { ...timings, evaluateMs: Math.round(evaluateMs) } };
    if (activated?.type === 'ModelActivated') return { ...base, decision: 'activated', reason: activated.data.reason, failures: [], previousVersion: activated.data.previousVersion };
    if (rejected?.type === 'ModelActivationRejected') {
      return { ...base, decision: 'rejected', reason: rejected.data.reason, failures: rejected.data.failures, previousVersion: rejected.data.activeVersion };
    }
    throw new Error(`retraining of ${modelType} ${version} recorded an evaluation without a decision`);
  }

  /** The decision a run recorded before: the events its evaluation command appended (same correlation). */
  private async outcomeFromStream(modelType: string, version: string, runId: string, timings: Omit<RetrainOutcome['timings'], 'evaluateMs'>, evaluateMs: number): Promise<RetrainOutcome> {
    const decided = (await this.reader.read(modelType)).filter(
      (e) => e.metadata.correlationId === runId && e.type !== 'ModelTrained' && e.type !== 'ModelRolledBack' && e.type !== 'ModelActivationReviewed',
    );
    return this.outcome(modelType, version, decided, decided[decided.length - 1]?.position ?? 0, timings, evaluateMs, true);
  }
}

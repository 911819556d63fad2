import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ModelRegistryService } from '../../commands/models/model-registry.service';
import { ModelStreamReader } from '../../commands/models/model-stream.reader';
import { APP_CONFIG, AppConfig } from '../../config';
import { AccuracyFigure, MODEL_TYPES } from '../../domain/models/model.events';
import { reviewKey } from '../../domain/models/model-registry.decider';
import { accuracyOf } from '../../domain/models/rollback-policy';
import { CLOCK, Clock, DAY_MS, HOUR_MS, MINUTE_MS } from '../../domain/shared/clock';
import { HEURISTIC_MODEL_VERSION } from '../../ml/conflict-features';
import { AccuracyService } from '../../projections/accuracy/accuracy.service';

export const ROLLBACK_ACTOR = 'saga:rollback';
export const ROLLBACK_TICK = 'model-rollback-check';
/** The first day of a new model is what the rule judges. */
export const FIRST_DAY_MS = DAY_MS;
const PREDECESSOR_WINDOW_MS = 7 * DAY_MS;
const TICK_MS = 10 * MINUTE_MS;

export type RollbackCheck =
  | { readonly status: 'no_active_model' | 'already_reviewed' }
  | { readonly status: 'not_due'; readonly version: string; readonly dueAt: string }
  | { readonly status: 'reviewed'; readonly version: string; readonly events: readonly string[]; readonly position: number };

/**
 * Automatic rollback. Once the outcomes of the predictions a newly activated model made in its
 * first 24 h are in (the first day plus ROLLBACK_OUTCOME_WAIT_HOURS), compare their accuracy with
 * the predecessor's 7-day accuracy before the switch; the registry decider applies the rule and
 * records ModelRolledBack or ModelActivationReviewed. Checked on outcome events (the saga), on a
 * tick, and on demand; always against the CLOCK port.
 */
@Injectable()
export class RollbackMonitorService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RollbackMonitorService.name);
  /** Per type, the answer that holds until a time (or an activation): outcome storms then cost no reads. */
  private readonly cached = new Map<string, { readonly until: number; readonly answer: RollbackCheck }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly reader: ModelStreamReader,
    private readonly registry: ModelRegistryService,
    private readonly accuracy: AccuracyService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly scheduler?: SchedulerRegistry,
  ) {}

  onModuleInit(): void {
    if (!this.scheduler || !this.config.schedulesEnabled) return;
    this.timer = setInterval(() => void this.checkAll().catch((error: unknown) => this.logger.error(`rollback check failed: ${String(error)}`)), TICK_MS);
    this.timer.unref();
    this.scheduler.addInterval(ROLLBACK_TICK, this.timer);
  }

  onModuleDestroy(): void {
    if (this.timer && !this.scheduler?.doesExist('interval', ROLLBACK_TICK)) clearInterval(this.timer);
  }

  async checkAll(): Promise<RollbackCheck[]> {
    return Promise.all(MODEL_TYPES.map((t) => this.check(t)));
  }

  /** An activation was seen: whatever was cached about the old one no longer holds. */
  forget(modelType: string): void {
    this.cached.delete(modelType);
  }

  async check(modelType: string, at: Date = this.clock.now()): Promise<RollbackCheck> {
    const nowMs = at.getTime();
    const cached = this.cached.get(modelType);
    if (cached && nowMs < cached.until) return cached.answer;
    const state = await this.reader.state(modelType);
    const active = state.active;
    if (!active) return { status: 'no_active_model' };
    // Restoring a predecessor is not a new model to judge (and must not start a ping-pong).
    if (active.cause === 'rollback' || state.reviewed[reviewKey(active.version, active.activatedAt)]) {
      return this.remember(modelType, Number.POSITIVE_INFINITY, { status: 'already_reviewed' });
    }
    const activatedMs = Date.parse(active.activatedAt);
    const firstDayEnd = activatedMs + FIRST_DAY_MS;
    const dueMs = firstDayEnd + this.config.rollbackOutcomeWaitHours * HOUR_MS;
    if (nowMs < dueMs) {
      return this.remember(modelType, dueMs, { status: 'not_due', version: active.version, dueAt: new Date(dueMs).toISOString() });
    }
    const predecessorVersion = active.previousVersion ?? HEURISTIC_MODEL_VERSION;
    const candidate = await this.figure(modelType, active.version, activatedMs, firstDayEnd - 1);
    const predecessor = await this.figure(modelType, predecessorVersion, activatedMs - PREDECESSOR_WINDOW_MS, activatedMs - 1);
    const commandId = `rollback-review:${modelType}:${active.version}:${active.activatedAt}`;
    const result = await this.registry.send(
      modelType,
      {
        kind: 'ReviewActivation',
        modelType,
        at: at.toISOString(),
        version: active.version,
        activationAt: active.activatedAt,
        candidate,
        predecessor,
        config: { maxAccuracyDrop: this.config.rollbackMaxAccuracyDrop, minSamples: this.config.rollbackMinSamples },
        actor: ROLLBACK_ACTOR,
      },
      { tenantId: null, actorId: ROLLBACK_ACTOR, commandId, correlationId: commandId, causationId: null },
    );
    this.cached.delete(modelType);
    const types = result.events.map((e) => e.type);
    if (types.includes('ModelRolledBack')) this.logger.warn(`rolled back ${modelType} ${active.version} to ${active.previousVersion ?? HEURISTIC_MODEL_VERSION}`);
    return { status: 'reviewed', version: active.version, events: types, position: result.position };
  }

  private remember(modelType: string, until: number, answer: RollbackCheck): RollbackCheck {
    this.cached.set(modelType, { until, answer });
    return answer;
  }

  private async figure(modelType: string, version: string, fromMs: number, toMs: number): Promise<AccuracyFigure> {
    const { correct, total } = await this.accuracy.accuracy(modelType, { version, fromMs, toMs });
    return { version, correct, total, accuracy: accuracyOf(correct, total), fromMs, toMs };
  }
}

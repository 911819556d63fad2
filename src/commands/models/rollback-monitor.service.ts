import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ModelRegistryService } from './model-registry.service';
import { ModelStreamReader } from './model-stream.reader';
import { APP_CONFIG, AppConfig } from '../../config';
import { AccuracyFigure, MODEL_TYPES } from '../../domain/models/model.events';
import { accuracyOf } from '../../domain/models/rollback-policy';
import { CLOCK, Clock, MINUTE_MS } from '../../domain/shared/clock';
import { ACCURACY_QUERY, AccuracyQuery } from '../../ports/accuracy.query';
import type { RollbackCheck, RollbackChecker } from '../../ports/rollback-check.port';
import { FigureWindow, planRollbackCheck, rollbackReviewCommands } from './rollback.commands';

export const ROLLBACK_TICK = 'model-rollback-check';
const TICK_MS = 10 * MINUTE_MS;

/**
 * Automatic rollback. Once the outcomes of the predictions a newly activated model made in its
 * first 24 h are in (the first day plus ROLLBACK_OUTCOME_WAIT_HOURS), compare their accuracy with
 * the predecessor's 7-day accuracy before the switch; the registry decider applies the rule and
 * records ModelRolledBack or ModelActivationReviewed. Checked on outcome events (the saga), on a
 * tick, and on demand; always against the CLOCK port.
 */
@Injectable()
export class RollbackMonitorService implements RollbackChecker, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RollbackMonitorService.name);
  /** Per type, the answer that holds until a time (or an activation): outcome storms then cost no reads. */
  private readonly cached = new Map<string, { readonly until: number; readonly answer: RollbackCheck }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly reader: ModelStreamReader,
    private readonly registry: ModelRegistryService,
    @Inject(ACCURACY_QUERY) private readonly accuracy: AccuracyQuery,
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
    const plan = planRollbackCheck(await this.reader.state(modelType), nowMs, this.config);
    if (plan.status === 'no_active_model') return plan;
    if (plan.status === 'already_reviewed') return this.remember(modelType, Number.POSITIVE_INFINITY, plan);
    if (plan.status === 'not_due') return this.remember(modelType, plan.dueAtMs, { status: 'not_due', version: plan.version, dueAt: new Date(plan.dueAtMs).toISOString() });
    const figures = { candidate: await this.figure(modelType, plan.candidate), predecessor: await this.figure(modelType, plan.predecessor) };
    let answer: RollbackCheck = { status: 'already_reviewed' };
    for (const review of rollbackReviewCommands(modelType, plan, figures, this.config, at)) {
      const result = await this.registry.send(review.modelType, review.command, review.context);
      const types = result.events.map((e) => e.type);
      if (types.includes('ModelRolledBack')) this.logger.warn(`rolled back ${modelType} ${plan.version} to ${plan.predecessor.version}`);
      answer = { status: 'reviewed', version: plan.version, events: types, position: result.position };
    }
    this.cached.delete(modelType);
    return answer;
  }

  private remember(modelType: string, until: number, answer: RollbackCheck): RollbackCheck {
    this.cached.set(modelType, { until, answer });
    return answer;
  }

  private async figure(modelType: string, window: FigureWindow): Promise<AccuracyFigure> {
    const { version, fromMs, toMs } = window;
    const { correct, total } = await this.accuracy.accuracy(modelType, { version, fromMs, toMs });
    return { version, correct, total, accuracy: accuracyOf(correct, total), fromMs, toMs };
  }
}

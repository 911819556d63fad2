import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { APP_CONFIG, AppConfig } from '../../config';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { CommandContext } from '../../runtime/decide';
import { MATCH_WINDOW_MS } from '../../domain/predictions/outcome-matching';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import type { OutcomeSweep, SweepResult } from '../../ports/outcome-sweep.port';
import { PREDICTION_LOG_QUERY, PredictionLogDoc, PredictionLogReader } from '../../ports/prediction-log.query';
import { pagesOf } from '../../ports/read-store.port';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { AccuracyAlertService } from './accuracy-alert.service';
import { outcomeCommandId, recordOutcomeCommand } from './outcomes.saga';

const SWEEP_JOB = 'prediction-outcome-sweep';
/** Due predictions held in memory at once. */
export const SWEEP_PAGE = 1000;

/**
 * Closes predictions at least 24 h old that are still pending: negative outcomes (no conflict),
 * or positive when the log saw a conflict the saga has not yet handled. Commands carry the same
 * per-prediction id as the saga's, and the decider ignores a second outcome, so running the sweep
 * again, or after a replay, records nothing new.
 */
@Injectable()
export class OutcomeSweepService implements OutcomeSweep, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(OutcomeSweepService.name);
  private job: CronJob | null = null;

  constructor(
    private readonly commandBus: CommandBus,
    private readonly runner: ProjectionRunner,
    private readonly alerts: AccuracyAlertService,
    @Inject(PREDICTION_LOG_QUERY) private readonly log: PredictionLogReader,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() private readonly scheduler?: SchedulerRegistry,
  ) {}

  onModuleInit(): void {
    if (!this.scheduler || !this.config.schedulesEnabled) return;
    this.job = CronJob.from({
      cronTime: this.config.outcomeSweepCron,
      timeZone: this.config.timeZone,
      start: false,
      onTick: () => {
        this.sweep('schedule').catch((error: unknown) => this.logger.error(`outcome sweep failed: ${error instanceof Error ? error.message : String(error)}`));
      },
    });
    this.scheduler.addCronJob(SWEEP_JOB, this.job);
    this.job.start();
  }

  onModuleDestroy(): void {
    void this.job?.stop();
  }

  async sweep(actor = 'schedule'): Promise<SweepResult> {
    const head = await this.events.headPosition();
    if (!(await this.runner.waitForPosition(head, 10_000))) throw new Error(`read models have not reached position ${head}`);
    const now = this.clock.now();
    const runId = `sweep:${now.toISOString()}`;
    const context = (commandId: string): CommandContext => ({ tenantId: null, actorId: `${actor}:outcome-sweep`, commandId, correlationId: runId, causationId: null });
    let position = 0;
    let closed = 0;
    let conflicts = 0;
    const modelTypes = new Set<string>();
    // One bounded page at a time (keyset cursor, so closing rows while paging skips none): memory
    // stays the same for ten due predictions or ten million.
    const due = pagesOf<PredictionLogDoc>((cursor) => this.log.duePending(now.getTime() - MATCH_WINDOW_MS, { limit: SWEEP_PAGE, cursor }));
    for await (const page of due) {
      for (const p of page) {
        const outcome = {
          predictionId: p.prediction_id,
          tenantId: p.tenant,
          syncId: p.sync_id,
          conflictOccurred: p.conflict_seen,
          threshold: this.config.conflictDecisionThreshold,
          recordedAt: now.toISOString(),
        };
        const result = await this.commandBus.execute(recordOutcomeCommand(outcome, { ...context(outcomeCommandId(p.prediction_id)), tenantId: p.tenant }));
        if (result.events.length > 0) {
          closed += 1;
          if (p.conflict_seen) conflicts += 1;
          modelTypes.add(p.model_type);
        }
        position = Math.max(position, result.position);
      }
    }
    // The alert reads the accuracy read model: let it apply the outcomes just recorded first.
    if (position > 0) await this.runner.waitForPosition(position, 10_000);
    // A lasting alert is raised again once per day even when no new outcome arrives.
    for (const a of await this.alerts.knownModelTypes()) modelTypes.add(a);
    for (const modelType of modelTypes) {
      await this.alerts.evaluate(modelType, context(`accuracy-alert:${modelType}:${runId}`));
    }
    return { closed, conflicts, position: Math.max(position, await this.events.headPosition()) };
  }
}

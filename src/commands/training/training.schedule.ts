import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { ActiveLearningRun, ActiveLearningService, DEFAULT_BATCH_SIZE } from './active-learning.service';
import { CaptureMonitorService } from './capture-monitor.service';
import { APP_CONFIG, AppConfig } from '../../config';
import { CLOCK, Clock } from '../../domain/shared/clock';

export const ACTIVE_LEARNING_JOB = 'active-learning-weekly';
export const CAPTURE_MONITOR_JOB = 'capture-monitor-tick';
/** How often the stalled-capture rule is evaluated for every tenant. */
export const CAPTURE_MONITOR_CRON = '*/10 * * * *';

/**
 * The training schedules: the weekly active-learning batch (ACTIVE_LEARNING_CRON in TZ) and the
 * capture monitor tick. They only send commands. Registered only when ScheduleModule is loaded
 * (SCHEDULES_ENABLED, server role); tests call `runWeekly` and `monitorTick` with a ManualClock.
 */
@Injectable()
export class TrainingSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('training-schedule');
  private readonly jobs: CronJob[] = [];

  constructor(
    private readonly activeLearning: ActiveLearningService,
    private readonly monitor: CaptureMonitorService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.registry) return;
    this.add(ACTIVE_LEARNING_JOB, this.config.activeLearningCron, () => this.runWeekly());
    this.add(CAPTURE_MONITOR_JOB, CAPTURE_MONITOR_CRON, () => this.monitorTick());
  }

  onApplicationShutdown(): void {
    for (const job of this.jobs) void job.stop();
  }

  /** This week's batch for every tenant with training examples. Fired twice, it creates one batch per tenant. */
  async runWeekly(at: Date = this.clock.now(), batchSize = DEFAULT_BATCH_SIZE): Promise<ActiveLearningRun[]> {
    const runs: ActiveLearningRun[] = [];
    for (const tenantId of await this.monitor.tenants()) {
      try {
        const run = await this.activeLearning.runActiveLearning(tenantId, batchSize, at, 'schedule:active-learning');
        runs.push(run);
        this.logger.log(`active learning ${run.batchId}: ${run.created ? 'selected' : 'already selected'} ${run.selected.length} of ${run.poolSize}`);
      } catch (error) {
        this.logger.error(`active learning failed for tenant ${tenantId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return runs;
  }

  monitorTick(at: Date = this.clock.now()) {
    return this.monitor.evaluateAll(at);
  }

  private add(name: string, cronTime: string, run: () => Promise<unknown>): void {
    const job = CronJob.from({
      cronTime,
      timeZone: this.config.timeZone,
      start: false,
      waitForCompletion: true,
      onTick: async () => {
        await run().catch((error: unknown) => this.logger.error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`));
      },
    });
    this.registry?.addCronJob(name, job as unknown as Parameters<SchedulerRegistry['addCronJob']>[1]);
    job.start();
    this.jobs.push(job);
  }
}

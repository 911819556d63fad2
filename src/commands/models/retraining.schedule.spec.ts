import { SchedulerRegistry } from '@nestjs/schedule';
import { loadConfig } from '../../config';
import { ManualClock } from '../../domain/shared/clock';
import { RETRAIN_JOB, RetrainingService } from './retraining.service';

type Deps = ConstructorParameters<typeof RetrainingService>;

function service(env: Record<string, string>, scheduler?: SchedulerRegistry): RetrainingService {
  const unused = {} as never;
  const deps: Deps = [unused, unused, unused, unused, unused, new ManualClock(), loadConfig({ JWT_SECRET: 'x'.repeat(16), ...env }), scheduler];
  return new RetrainingService(...deps);
}

describe('retraining schedule', () => {
  it('given schedules enabled, when the module starts, then a cron job runs RETRAIN_CRON in TZ (Monday 03:00 by default)', () => {
    const registry = new SchedulerRegistry();
    service({ TZ: 'Europe/Berlin', SCHEDULES_ENABLED: 'true' }, registry).onModuleInit();
    const job = registry.getCronJob(RETRAIN_JOB);
    try {
      const next = job.nextDate();
      expect(next.setZone('Europe/Berlin').toFormat('ccc HH:mm')).toBe('Mon 03:00');
    } finally {
      void job.stop();
    }
  });

  it('given no scheduler (ScheduleModule not loaded) or schedules disabled, then nothing is registered and nothing throws', () => {
    expect(() => service({ SCHEDULES_ENABLED: 'true' }).onModuleInit()).not.toThrow();
    const registry = new SchedulerRegistry();
    service({ SCHEDULES_ENABLED: 'false' }, registry).onModuleInit();
    expect(registry.getCronJobs().size).toBe(0);
  });
});

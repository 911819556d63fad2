import { SchedulerRegistry } from '@nestjs/schedule';
import { ConfigError, loadConfig } from '../../config';
import { ManualClock } from '../../domain/shared/clock';
import { RETENTION_JOB, RetentionService } from './retention.service';

type Deps = ConstructorParameters<typeof RetentionService>;

function service(env: Record<string, string>, scheduler?: SchedulerRegistry): RetentionService {
  const unused = {} as never;
  const deps: Deps = [unused, unused, unused, unused, loadConfig({ JWT_SECRET: 'x'.repeat(16), ...env }), new ManualClock(), scheduler];
  return new RetentionService(...deps);
}

describe('retention schedule and settings', () => {
  it('given schedules enabled, when the module starts, then a cron job runs RETENTION_CRON in TZ (daily 04:30 by default)', () => {
    const registry = new SchedulerRegistry();
    service({ TZ: 'Europe/Berlin', SCHEDULES_ENABLED: 'true' }, registry).onModuleInit();
    const job = registry.getCronJob(RETENTION_JOB);
    try {
      expect(job.nextDate().setZone('Europe/Berlin').toFormat('HH:mm')).toBe('04:30');
    } finally {
      void job.stop();
    }
  });

  it('given schedules disabled, then nothing is registered', () => {
    const registry = new SchedulerRegistry();
    service({ SCHEDULES_ENABLED: 'false' }, registry).onModuleInit();
    expect(registry.getCronJobs().size).toBe(0);
  });

  it('given RETENTION_DAYS_* unset, then kept forever; set, then whole days 1-36500, else the start stops naming the variable', () => {
    const base = { JWT_SECRET: 'x'.repeat(16) };
    expect(loadConfig(base)).toMatchObject({ retentionDaysPhotos: null, retentionDaysPlates: null });
    expect(loadConfig({ ...base, RETENTION_DAYS_PHOTOS: '90', RETENTION_DAYS_PLATES: '365' })).toMatchObject({ retentionDaysPhotos: 90, retentionDaysPlates: 365 });
    for (const bad of ['0', '-1', '1.5', 'ninety', '36501']) {
      expect(() => loadConfig({ ...base, RETENTION_DAYS_PHOTOS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, RETENTION_DAYS_PLATES: bad })).toThrow(/RETENTION_DAYS_PLATES/);
    }
    expect(() => loadConfig({ ...base, RETENTION_CRON: 'daily' })).toThrow(/RETENTION_CRON/);
  });
});

import { SchedulerRegistry } from '@nestjs/schedule';
import { ACTIVE_LEARNING_JOB, CAPTURE_MONITOR_JOB } from '../../src/commands/training/training.schedule';
import { TestApp, startTestApp } from '../support/app';

describe('training schedules', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { SCHEDULES_ENABLED: 'true', ACTIVE_LEARNING_CRON: '0 2 * * 0', TZ: 'Europe/Berlin' } });
  });
  afterAll(() => app.close());

  it('registers the weekly active-learning run for Sunday 02:00 in the configured time zone, and the monitor tick', () => {
    const registry = app.app.get(SchedulerRegistry);
    const next = registry.getCronJob(ACTIVE_LEARNING_JOB).nextDate();
    const local = next.setZone('Europe/Berlin');
    expect([local.weekday, local.hour, local.minute]).toEqual([7, 2, 0]);
    expect(registry.getCronJob(CAPTURE_MONITOR_JOB).isActive).toBe(true);
  });
});

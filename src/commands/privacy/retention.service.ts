import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { APP_CONFIG, AppConfig } from '../../config';
import { PrivacyCommand, PrivacyEvent, PrivacyState, RetentionApplied, RetentionDays, privacyDecider, privacyStream } from '../../domain/privacy/retention';
import { CLOCK, Clock, DAY_MS } from '../../domain/shared/clock';
import { RecordedEvent } from '../../domain/shared/events';
import { newId } from '../../domain/shared/ids';
import { BLOB_STORE, BlobStore } from '../../ports/blob-store.port';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { PERSONAL_DATA_RETENTION, PersonalDataRetention } from '../../ports/personal-data-retention.port';
import { CommandContext, Decide } from '../../runtime/decide';

export const RETENTION_JOB = 'personal-data-retention';

export interface RetentionSettings {
  /** The tenant's overrides (null: the default applies). */
  readonly photos_days: number | null;
  readonly plates_days: number | null;
  readonly defaults: { readonly photos_days: number | null; readonly plates_days: number | null };
  /** What a run uses: the override, else the default; null keeps forever. */
  readonly in_force: { readonly photos_days: number | null; readonly plates_days: number | null };
  readonly last_run: RetentionRun | null;
}

export interface RetentionRun {
  readonly run_id: string;
  readonly photos_days: number | null;
  readonly plates_days: number | null;
  readonly photos_cutoff: string | null;
  readonly plates_cutoff: string | null;
  readonly entries_expired: number;
  readonly photos_deleted: number;
  /** Photos whose deletion failed (logged; not retried by a later run). */
  readonly photos_failed: number;
  readonly photos_kept_in_use: number;
  readonly subjects_erased: number;
  readonly ran_by: string;
  readonly ran_at: string;
}

/**
 * Per-tenant retention of personal data, on a daily schedule and on demand. Photos of entries
 * linked before the tenant's photo cut-off are deleted (unless a newer entry, or another tenant's,
 * uses the same bytes); plates not seen since the plate cut-off are erased as an erasure erases them
 * (key and links deleted, their photos too). Each run appends one `RetentionApplied` to
 * `privacy-<tenant>`: days, cut-offs and counts, nothing personal.
 */
@Injectable()
export class RetentionService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RetentionService.name);
  private job: CronJob | null = null;

  constructor(
    private readonly commandBus: CommandBus,
    @Inject(PERSONAL_DATA_RETENTION) private readonly keys: PersonalDataRetention,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() private readonly scheduler?: SchedulerRegistry,
  ) {}

  onModuleInit(): void {
    if (!this.scheduler || !this.config.schedulesEnabled) return;
    this.job = CronJob.from({
      cronTime: this.config.retentionCron,
      timeZone: this.config.timeZone,
      start: false,
      onTick: () => {
        this.runAll('schedule').catch((error: unknown) => this.logger.error(`retention run failed: ${error instanceof Error ? error.message : String(error)}`));
      },
    });
    this.scheduler.addCronJob(RETENTION_JOB, this.job);
    this.job.start();
  }

  onModuleDestroy(): void {
    void this.job?.stop();
  }

  async settings(tenant: string): Promise<RetentionSettings> {
    const state = await this.state(tenant);
    const inForce = this.inForce(state.retention);
    return {
      photos_days: state.retention.photosDays,
      plates_days: state.retention.platesDays,
      defaults: { photos_days: this.config.retentionDaysPhotos, plates_days: this.config.retentionDaysPlates },
      in_force: { photos_days: inForce.photosDays, plates_days: inForce.platesDays },
      last_run: state.lastRun ? answer(state.lastRun) : null,
    };
  }

  /** Records the tenant's overrides (the decider refuses bad values with 400 and appends nothing). */
  async configure(tenant: string, actorId: string, days: RetentionDays): Promise<RetentionSettings> {
    await this.decide(tenant, { type: 'ConfigureRetention', tenantId: tenant, actorId, ...days }, { tenantId: tenant, actorId, commandId: newId(), correlationId: newId(), causationId: null });
    return this.settings(tenant);
  }

  /** Every tenant with personal data whose retention keeps less than forever, each with its own settings. */
  async runAll(actor = 'schedule'): Promise<(RetentionRun & { tenant: string; position: string })[]> {
    const results: (RetentionRun & { tenant: string; position: string })[] = [];
    for (const tenant of await this.keys.tenants()) {
      const days = this.inForce((await this.state(tenant)).retention);
      if (days.photosDays === null && days.platesDays === null) continue;
      try {
        results.push({ tenant, ...(await this.run(tenant, actor)) });
      } catch (error) {
        // One tenant's failure does not hold the others back; the next run tries again.
        this.logger.error(`retention run of a tenant failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return results;
  }

  async run(tenant: string, actorId: string): Promise<RetentionRun & { position: string }> {
    const days = this.inForce((await this.state(tenant)).retention);
    const now = this.clock.now();
    const cutoff = (d: number | null) => (d === null ? null : new Date(now.getTime() - d * DAY_MS));
    const photosCutoff = cutoff(days.photosDays);
    const platesCutoff = cutoff(days.platesDays);
    const photos = photosCutoff ? await this.keys.expireEntries(tenant, photosCutoff) : { entries: 0, unusedPhotoHashes: [], photosInUse: 0 };
    const plates = platesCutoff ? await this.keys.eraseUnseenSince(tenant, platesCutoff) : { subjects: 0, entries: 0, unusedPhotoHashes: [], photosInUse: 0 };
    const unused = [...new Set([...photos.unusedPhotoHashes, ...plates.unusedPhotoHashes])];
    let photosFailed = 0;
    for (const hash of unused) {
      // A failed deletion does not stop the run: it is counted in the record (its link is gone, so no later run retries it).
      await this.blobs.delete(hash).catch((error: unknown) => {
        photosFailed += 1;
        this.logger.warn(`retention could not delete a photo: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    const runId = newId();
    const run: RetentionApplied['data'] = {
      tenantId: tenant,
      runId,
      photosDays: days.photosDays,
      platesDays: days.platesDays,
      photosCutoff: photosCutoff?.toISOString() ?? null,
      platesCutoff: platesCutoff?.toISOString() ?? null,
      entriesExpired: photos.entries + plates.entries,
      photosDeleted: unused.length - photosFailed,
      photosFailed,
      photosKeptInUse: photos.photosInUse + plates.photosInUse,
      subjectsErased: plates.subjects,
      ranBy: actorId,
      ranAt: now.toISOString(),
    };
    const result = await this.decide(tenant, { type: 'RecordRetentionRun', run }, { tenantId: tenant, actorId, commandId: runId, correlationId: runId, causationId: null });
    return { ...answer(run), position: String(result.position) };
  }

  private inForce(overrides: RetentionDays): RetentionDays {
    return { photosDays: overrides.photosDays ?? this.config.retentionDaysPhotos, platesDays: overrides.platesDays ?? this.config.retentionDaysPlates };
  }

  private async state(tenant: string): Promise<PrivacyState> {
    const stored = (await this.events.readStream(privacyStream(tenant))) as RecordedEvent[];
    return stored.reduce((s, e) => privacyDecider.evolve(s, e as unknown as PrivacyEvent), privacyDecider.initialState);
  }

  private decide(tenant: string, command: PrivacyCommand, context: CommandContext) {
    return this.commandBus.execute(new Decide<PrivacyState, PrivacyCommand, PrivacyEvent>(privacyStream(tenant), privacyDecider, command, context));
  }
}

function answer(run: RetentionApplied['data']): RetentionRun {
  return {
    run_id: run.runId,
    photos_days: run.photosDays,
    plates_days: run.platesDays,
    photos_cutoff: run.photosCutoff,
    plates_cutoff: run.platesCutoff,
    entries_expired: run.entriesExpired,
    photos_deleted: run.photosDeleted,
    photos_failed: run.photosFailed,
    photos_kept_in_use: run.photosKeptInUse,
    subjects_erased: run.subjectsErased,
    ran_by: run.ranBy,
    ran_at: run.ranAt,
  };
}

import { Decider } from '../shared/decider';
import { ValidationError } from '../shared/errors';
import { DomainEvent, streamName } from '../shared/events';

/** Longest retention a tenant may set: 100 years. */
export const MAX_RETENTION_DAYS = 36_500;

/** A tenant's retention overrides; null falls back to the service default (RETENTION_DAYS_*). */
export interface RetentionDays {
  readonly photosDays: number | null;
  readonly platesDays: number | null;
}

/** On `privacy-<tenant>`: the overrides in force from now on (no personal data). */
export type RetentionConfigured = DomainEvent<'RetentionConfigured', { tenantId: string; photosDays: number | null; platesDays: number | null; configuredBy: string }>;

/**
 * On `privacy-<tenant>`: one retention run, with the days and cut-offs it used and what it removed.
 * Counts only: no plate, no subject id, no photo hash.
 */
export type RetentionApplied = DomainEvent<
  'RetentionApplied',
  {
    tenantId: string;
    runId: string;
    photosDays: number | null;
    platesDays: number | null;
    photosCutoff: string | null;
    platesCutoff: string | null;
    entriesExpired: number;
    photosDeleted: number;
    photosFailed: number;
    photosKeptInUse: number;
    subjectsErased: number;
    ranBy: string;
    ranAt: string;
  }
>;

export type PrivacyEvent = RetentionConfigured | RetentionApplied;

export function privacyStream(tenantId: string): string {
  return streamName('privacy', tenantId);
}

export interface PrivacyState {
  readonly retention: RetentionDays;
  readonly lastRun: RetentionApplied['data'] | null;
}

export type PrivacyCommand =
  | ({ readonly type: 'ConfigureRetention'; readonly tenantId: string; readonly actorId: string } & RetentionDays)
  | { readonly type: 'RecordRetentionRun'; readonly run: RetentionApplied['data'] };

export function isRetentionDays(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_RETENTION_DAYS);
}

/** Setting the overrides already in force appends nothing; every run is recorded. */
export const privacyDecider: Decider<PrivacyState, PrivacyCommand, PrivacyEvent> = {
  initialState: { retention: { photosDays: null, platesDays: null }, lastRun: null },
  evolve(state, event) {
    if (event.type === 'RetentionConfigured') return { ...state, retention: { photosDays: event.data.photosDays, platesDays: event.data.platesDays } };
    return { ...state, lastRun: event.data };
  },
  decide(command, state) {
    if (command.type === 'RecordRetentionRun') return [{ type: 'RetentionApplied', data: command.run }];
    const { photosDays, platesDays } = command;
    const bad = Object.entries({ photos_days: photosDays, plates_days: platesDays }).filter(([, v]) => !isRetentionDays(v));
    if (bad.length > 0) {
      throw new ValidationError(`${bad.map(([k]) => k).join(', ')}: an integer number of days 1-${MAX_RETENTION_DAYS}, or null for the default`, {
        fields: Object.fromEntries(bad.map(([k]) => [k, [`1..${MAX_RETENTION_DAYS} or null`]])),
      });
    }
    if (state.retention.photosDays === photosDays && state.retention.platesDays === platesDays) return [];
    return [{ type: 'RetentionConfigured', data: { tenantId: command.tenantId, photosDays, platesDays, configuredBy: command.actorId } }];
  },
};

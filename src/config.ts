import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { OCR_ENGINE_NAMES, type OcrEngineName, type OcrMode } from './ports/ocr-engine.port';

/** Configuration read and validated once, at start. A bad value stops the start naming it. */
export interface AppConfig {
  readonly port: number;
  readonly dataDir: string;
  readonly jwtSecret: string | null;
  /** 64 hex characters: the master key wrapping personal-data keys (else a 0600 file in the data directory). */
  readonly dataKey: string | null;
  readonly eventStoreConnectionString: string | null;
  readonly mongodbUri: string | null;
  /** postgres://… : events, read models and blobs all in PostgreSQL (instances on several hosts share it). */
  readonly databaseUrl: string | null;
  /** Hot statements prepared on each PostgreSQL connection (off behind a pooler that cannot keep them, such as PgBouncer's transaction mode before 1.21). */
  readonly databasePreparedStatements: boolean;
  readonly sqliteSynchronous: 'FULL' | 'NORMAL';
  readonly captureConfidenceThreshold: number;
  /** Engine per mode: OCR_ENGINE for both, OCR_ENGINE_METER / OCR_ENGINE_PLATE to choose one mode's. */
  readonly ocrEngines: Readonly<Record<OcrMode, OcrEngineName>>;
  /** OCR worker threads: the PaddleOCR pool's size, and Tesseract's workers per mode. */
  readonly ocrWorkers: number;
  /** onnxruntime threads per PaddleOCR session (concurrent photos already run on separate threads). */
  readonly ocrPaddleThreads: number;
  /** Start the OCR worker pool with the server (default) rather than on first use. */
  readonly ocrEagerStart: boolean;
  /** Labeled readings of an engine and mode needed (both right and wrong ones) before the flywheel fits its calibration. */
  readonly ocrCalibrationMinLabels: number;
  readonly labelingLeaseMinutes: number;
  readonly activeLearningCron: string;
  readonly outcomeSweepCron: string;
  readonly retrainCron: string;
  /** Daily retention run over every tenant's personal data. */
  readonly retentionCron: string;
  /** Days an entry's photo is kept (a tenant may override); null: kept until its plate is erased. */
  readonly retentionDaysPhotos: number | null;
  /** Days a plate (its key, so its text and photos) is kept after it was last seen (a tenant may override); null: forever. */
  readonly retentionDaysPlates: number | null;
  readonly timeZone: string;
  readonly conflictDecisionThreshold: number;
  readonly riskMedium: number;
  readonly riskHigh: number;
  readonly accuracyAlertBelow: number;
  readonly accuracyAlertMinSamples: number;
  readonly activationMinImprovement: number;
  readonly activationMode: 'relative' | 'absolute';
  readonly activationMinPositives: number;
  /** Set: the candidate must also beat the active model by DeLong's one-sided test at this p-value. */
  readonly activationMaxPValue: number | null;
  /** Roll a new model back when its first-day accuracy is more than this below its predecessor's 7-day accuracy. */
  readonly rollbackMaxAccuracyDrop: number;
  /** Outcomes needed on each side before the rollback rule judges. */
  readonly rollbackMinSamples: number;
  /** Hours after the first day's predictions before their outcomes count as in (24 h to settle + a sweep). */
  readonly rollbackOutcomeWaitHours: number;
  readonly maxUploadMb: number;
  readonly rateLimitPerMinute: number;
  /** Total time a request may take, body included. */
  readonly requestTimeoutMs: number;
  /** A TLS proxy fronts the service: send HSTS and upgrade-insecure-requests. */
  readonly behindTlsProxy: boolean;
  /** Bearer token that unlocks the per-tenant detail of /metrics (null: aggregates only). */
  readonly metricsToken: string | null;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  readonly schedulesEnabled: boolean;
  /** Attempts a projection or saga handler gets on one event before the event is parked for ops. */
  readonly handlerMaxAttempts: number;
  /** The runner lease: one instance runs projections and sagas; a standby takes over after it expires. */
  readonly runnerLeaseSeconds: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {}

type Env = Readonly<Record<string, string | undefined>>;

function num(env: Env, name: string, fallback: number, check: (n: number) => boolean, rule: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || !check(value)) throw new ConfigError(`${name}=${JSON.stringify(raw)} is invalid: must be ${rule}`);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(`${name}=${JSON.stringify(raw)} is invalid: must be one of ${allowed.join(', ')}`);
  return raw as T;
}

function cron(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const fields = raw.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6 || !fields.every((f) => /^[\d*/,\-A-Za-z?LW#]+$/.test(f))) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is invalid: must be a cron expression with 5 or 6 fields`);
  }
  return raw.trim();
}

function optional(env: Env, name: string): string | null {
  const raw = env[name];
  return raw === undefined || raw === '' ? null : raw;
}

const fraction = (n: number) => n >= 0 && n <= 1;
const positiveInt = (n: number) => Number.isInteger(n) && n > 0;

/** Unset: keep forever. Same bounds as a tenant's override (1 day to 100 years). */
function days(env: Env, name: string): number | null {
  return optional(env, name) === null ? null : num(env, name, 0, (n) => positiveInt(n) && n <= 36_500, 'an integer number of days 1-36500 (unset: keep forever)');
}

/*
 * loadConfig reads and checks every variable in one fixed order (the first invalid one is the one
 * reported): the ones other checks depend on, then the process and its stores, the runners and
 * schedules, the models, the HTTP surface. Each part is a function; their results are merged.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const first = checkedFirst(env);
  return { ...storesAndOcr(env, first), ...runnersAndSchedules(env, first), ...models(env, first), ...httpAndLogs(env, first) };
}

type CheckedFirst = ReturnType<typeof checkedFirst>;

/** The variables other checks depend on (or that name the time zone the schedules use). */
function checkedFirst(env: Env) {
  const timeZone = env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new ConfigError(`TZ=${JSON.stringify(timeZone)} is invalid: must be an IANA time zone`);
  }
  const jwtSecret = optional(env, 'JWT_SECRET');
  if (jwtSecret !== null && jwtSecret.length < 16) throw new ConfigError('JWT_SECRET is invalid: must be at least 16 characters');
  const dataKey = optional(env, 'DATA_KEY');
  if (dataKey !== null && !/^[0-9a-fA-F]{64}$/.test(dataKey)) throw new ConfigError('DATA_KEY is invalid: must be 64 hex characters (32 bytes)');
  const metricsToken = optional(env, 'METRICS_TOKEN');
  if (metricsToken !== null && !/^[\x21-\x7e]{16,256}$/.test(metricsToken)) throw new ConfigError('METRICS_TOKEN is invalid: must be 16-256 printable ASCII characters without spaces');
  const databaseUrl = optional(env, 'DATABASE_URL');
  if (databaseUrl !== null) checkDatabaseUrl(env, databaseUrl, jwtSecret, dataKey);
  const riskMedium = num(env, 'RISK_MEDIUM', 0.2, fraction, 'a number in [0, 1]');
  const riskHigh = num(env, 'RISK_HIGH', 0.5, fraction, 'a number in [0, 1]');
  if (riskHigh < riskMedium) throw new ConfigError(`RISK_HIGH=${riskHigh} is invalid: must be >= RISK_MEDIUM (${riskMedium})`);
  // PaddleOCR measured best on both modes (README "OCR engines"); the ensemble costs Tesseract's time for no gain there.
  const ocrEngine = oneOf(env, 'OCR_ENGINE', 'paddle', OCR_ENGINE_NAMES);
  const ocrEngines = {
    meter: oneOf(env, 'OCR_ENGINE_METER', ocrEngine, OCR_ENGINE_NAMES),
    plate: oneOf(env, 'OCR_ENGINE_PLATE', ocrEngine, OCR_ENGINE_NAMES),
  };
  return { timeZone, jwtSecret, dataKey, metricsToken, databaseUrl, riskMedium, riskHigh, ocrEngines };
}

function storesAndOcr(env: Env, { jwtSecret, dataKey, databaseUrl, ocrEngines }: CheckedFirst) {
  return {
    port: num(env, 'PORT', 3000, (n) => Number.isInteger(n) && n >= 0 && n < 65536, 'an integer port 0-65535'),
    dataDir: resolve(env.DATA_DIR || './data'),
    jwtSecret,
    dataKey,
    eventStoreConnectionString: optional(env, 'EVENTSTORE_CONNECTION_STRING'),
    mongodbUri: optional(env, 'MONGODB_URI'),
    databaseUrl,
    databasePreparedStatements: oneOf(env, 'DATABASE_PREPARED_STATEMENTS', 'true', ['true', 'false'] as const) === 'true',
    sqliteSynchronous: oneOf(env, 'SQLITE_SYNCHRONOUS', 'FULL', ['FULL', 'NORMAL'] as const),
    captureConfidenceThreshold: num(env, 'CAPTURE_CONFIDENCE_THRESHOLD', 0.7, fraction, 'a number in [0, 1]'),
    ocrEngines,
    ocrPaddleThreads: num(env, 'OCR_PADDLE_THREADS', 1, (n) => positiveInt(n) && n <= 32, 'an integer 1-32'),
    ocrWorkers: num(env, 'OCR_WORKERS', Math.max(1, cpus().length), (n) => positiveInt(n) && n <= 32, 'an integer 1-32'),
    ocrEagerStart: oneOf(env, 'OCR_EAGER_START', 'true', ['true', 'false'] as const) === 'true',
    ocrCalibrationMinLabels: num(env, 'OCR_CALIBRATION_MIN_LABELS', 200, (n) => positiveInt(n) && n >= 2, 'an integer >= 2'),
  };
}

function runnersAndSchedules(env: Env, { timeZone }: CheckedFirst) {
  return {
    handlerMaxAttempts: num(env, 'HANDLER_MAX_ATTEMPTS', 5, (n) => positiveInt(n) && n <= 100, 'an integer 1-100'),
    runnerLeaseSeconds: num(env, 'RUNNER_LEASE_SECONDS', 10, (n) => n >= 1 && n <= 600, 'seconds in [1, 600]'),
    labelingLeaseMinutes: num(env, 'LABELING_LEASE_MINUTES', 30, (n) => n > 0 && n <= 24 * 60, 'minutes in (0, 1440]'),
    activeLearningCron: cron(env, 'ACTIVE_LEARNING_CRON', '0 2 * * 0'),
    outcomeSweepCron: cron(env, 'OUTCOME_SWEEP_CRON', '0 */6 * * *'),
    retrainCron: cron(env, 'RETRAIN_CRON', '0 3 * * 1'),
    retentionCron: cron(env, 'RETENTION_CRON', '30 4 * * *'),
    retentionDaysPhotos: days(env, 'RETENTION_DAYS_PHOTOS'),
    retentionDaysPlates: days(env, 'RETENTION_DAYS_PLATES'),
    timeZone,
  };
}

function models(env: Env, { riskMedium, riskHigh }: CheckedFirst) {
  return {
    conflictDecisionThreshold: num(env, 'CONFLICT_DECISION_THRESHOLD', 0.5, fraction, 'a number in [0, 1]'),
    riskMedium,
    riskHigh,
    accuracyAlertBelow: num(env, 'ACCURACY_ALERT_BELOW', 0.7, fraction, 'a number in [0, 1]'),
    accuracyAlertMinSamples: num(env, 'ACCURACY_ALERT_MIN_SAMPLES', 100, positiveInt, 'a positive integer'),
    activationMinImprovement: num(env, 'ACTIVATION_MIN_IMPROVEMENT', 0.05, (n) => n >= 0 && n < 10, 'a non-negative number'),
    activationMode: oneOf(env, 'ACTIVATION_MODE', 'relative', ['relative', 'absolute'] as const),
    activationMinPositives: num(env, 'ACTIVATION_MIN_POSITIVES', 5, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer'),
    activationMaxPValue: optional(env, 'ACTIVATION_MAX_P_VALUE') === null ? null : num(env, 'ACTIVATION_MAX_P_VALUE', 1, (n) => n > 0 && n <= 1, 'a number in (0, 1]'),
    rollbackMaxAccuracyDrop: num(env, 'ROLLBACK_MAX_ACCURACY_DROP', 0.1, fraction, 'a number in [0, 1]'),
    rollbackMinSamples: num(env, 'ROLLBACK_MIN_SAMPLES', 30, positiveInt, 'a positive integer'),
    rollbackOutcomeWaitHours: num(env, 'ROLLBACK_OUTCOME_WAIT_HOURS', 30, (n) => n >= 0 && n <= 24 * 30, 'hours in [0, 720]'),
  };
}

function httpAndLogs(env: Env, { metricsToken }: CheckedFirst) {
  return {
    maxUploadMb: num(env, 'MAX_UPLOAD_MB', 10, (n) => n > 0 && n <= 1024, 'megabytes in (0, 1024]'),
    rateLimitPerMinute: num(env, 'RATE_LIMIT_PER_MINUTE', 600, positiveInt, 'a positive integer'),
    requestTimeoutMs: num(env, 'REQUEST_TIMEOUT_MS', 30_000, positiveInt, 'a positive integer of milliseconds'),
    behindTlsProxy: oneOf(env, 'BEHIND_TLS_PROXY', 'false', ['true', 'false'] as const) === 'true',
    metricsToken,
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['debug', 'info', 'warn', 'error', 'silent'] as const),
    schedulesEnabled: oneOf(env, 'SCHEDULES_ENABLED', 'true', ['true', 'false'] as const) === 'true',
  };
}

/** PostgreSQL holds everything, so naming another store too is ambiguous; and hosts must share one secret. */
function checkDatabaseUrl(env: Env, url: string, jwtSecret: string | null, dataKey: string | null): void {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new ConfigError('DATABASE_URL is invalid: must be a postgres:// or postgresql:// URL');
  for (const other of ['EVENTSTORE_CONNECTION_STRING', 'MONGODB_URI']) {
    if (optional(env, other) !== null) {
      throw new ConfigError(`DATABASE_URL and ${other} are both set: PostgreSQL holds events and read models with DATABASE_URL; unset one of them`);
    }
  }
  if (jwtSecret === null) throw new ConfigError('JWT_SECRET is required with DATABASE_URL: instances on several hosts must share it (a generated per-host secret would differ)');
  if (dataKey === null) throw new ConfigError('DATA_KEY is required with DATABASE_URL: instances on several hosts must share the key that seals personal data (a generated per-host key would differ)');
}

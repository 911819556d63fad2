import { RecordedEvent, isEventOf } from '../../domain/shared/events';
import { OpenPrediction, matchSyncToOpenPredictions } from '../../domain/predictions/outcome-matching';
import { ConflictPredicted, PredictionOutcomeRecorded } from '../../domain/predictions/prediction.events';
import { ConflictResolved, SyncRecorded } from '../../domain/sync/sync.events';
import type { PredictionLogDoc } from '../../ports/prediction-log.query';
import { Projection, ProjectionView } from '../../runtime/projection';

export const PREDICTION_LOG = 'predictions_log';
export const PREDICTIONS_BY_SYNC = 'predictions_by_sync';
export const OPEN_PREDICTIONS = 'predictions_open_by_user_entity';
/** The open predictions of a user and entity beyond the newest OPEN_CHUNK, in full chunks of their own. */
export const OPEN_CHUNKS = 'predictions_open_chunks';
/** Open predictions kept in a user and entity's document before they spill into a chunk. */
export const OPEN_CHUNK = 16;

export interface BySyncDoc extends Record<string, unknown> {
  readonly prediction_ids: readonly string[];
  readonly conflicted: boolean;
}

/**
 * The open predictions of a user and entity: the newest (at most OPEN_CHUNK) here, the older ones
 * in `spilled` full chunks (OPEN_CHUNKS, `<key>#0`, `<key>#1`, ...). A prediction rewrites at most
 * OPEN_CHUNK entries however many are open (a client that predicts and never syncs made the one
 * list, rewritten whole on every prediction, grow without bound); a sync reads them all.
 */
interface OpenDoc extends Record<string, unknown> {
  readonly open: readonly OpenPrediction[];
  readonly spilled?: number;
}

interface OpenChunk extends Record<string, unknown> {
  readonly open: readonly OpenPrediction[];
}

export const syncKey = (tenant: string, syncId: string) => `${tenant}/${syncId}`;
const openKey = (tenant: string, userId: string, entityType: string, entityId: string) => `${tenant}/${userId}/${entityType}/${entityId}`;
const chunkKey = (key: string, i: number) => `${key}#${i}`;

/** Adds a prediction to a user and entity's open ones (the newest chunk spills when full). */
function addOpen(view: ProjectionView, key: string, doc: OpenDoc | null, prediction: OpenPrediction): void {
  const open = (doc?.open ?? []).filter((o) => o.id !== prediction.id);
  const spilled = doc?.spilled ?? 0;
  if (open.length < OPEN_CHUNK) return view.put(OPEN_PREDICTIONS, key, { open: [...open, prediction], spilled });
  view.put(OPEN_CHUNKS, chunkKey(key, spilled), { open });
  view.put(OPEN_PREDICTIONS, key, { open: [prediction], spilled: spilled + 1 });
}

/** Every open prediction of a user and entity, oldest first. */
async function allOpen(view: ProjectionView, key: string, doc: OpenDoc): Promise<OpenPrediction[]> {
  const all: OpenPrediction[] = [];
  for (let i = 0; i < (doc.spilled ?? 0); i++) all.push(...((await view.get<OpenChunk>(OPEN_CHUNKS, chunkKey(key, i)))?.open ?? []));
  return [...all, ...doc.open];
}

/** What stays open after a sync, chunked again (chunks no longer needed are removed). */
function replaceOpen(view: ProjectionView, key: string, before: OpenDoc, open: readonly OpenPrediction[]): void {
  const spilled = Math.max(0, Math.ceil(open.length / OPEN_CHUNK) - 1);
  for (let i = 0; i < spilled; i++) view.put(OPEN_CHUNKS, chunkKey(key, i), { open: open.slice(i * OPEN_CHUNK, (i + 1) * OPEN_CHUNK) });
  for (let i = spilled; i < (before.spilled ?? 0); i++) view.remove(OPEN_CHUNKS, chunkKey(key, i));
  view.put(OPEN_PREDICTIONS, key, { open: open.slice(spilled * OPEN_CHUNK), spilled });
}

/**
 * Ties predictions to a sync in one write: the runner keeps only the first write of a document per
 * event (its replay guard), so adding them one by one would keep only the first prediction.
 */
async function tieToSync(view: ProjectionView, tenant: string, syncId: string, predictionIds: readonly string[]): Promise<boolean> {
  const key = syncKey(tenant, syncId);
  const doc = (await view.get<BySyncDoc>(PREDICTIONS_BY_SYNC, key)) ?? { prediction_ids: [], conflicted: false };
  const added = predictionIds.filter((id, i) => !doc.prediction_ids.includes(id) && predictionIds.indexOf(id) === i);
  if (added.length > 0) view.put(PREDICTIONS_BY_SYNC, key, { ...doc, prediction_ids: [...doc.prediction_ids, ...added] });
  return doc.conflicted;
}

async function onPredicted(event: RecordedEvent<ConflictPredicted['data']>, view: ProjectionView): Promise<void> {
  const d = event.data;
  const at = Date.parse(d.predictedAt);
  let conflictSeen = false;
  if (d.syncId) {
    conflictSeen = await tieToSync(view, d.tenantId, d.syncId, [d.predictionId]);
  } else {
    const key = openKey(d.tenantId, d.userId, d.entityType, d.entityId);
    addOpen(view, key, await view.get<OpenDoc>(OPEN_PREDICTIONS, key), { id: d.predictionId, at });
  }
  const log: PredictionLogDoc = {
    prediction_id: d.predictionId,
    tenant: d.tenantId,
    model_type: d.modelType,
    model_version: d.modelVersion,
    probability: d.probability,
    risk_level: d.riskLevel,
    recommendation: d.recommendation,
    features: d.features,
    user_id: d.userId,
    entity_type: d.entityType,
    entity_id: d.entityId,
    device_id: d.deviceId,
    fields: d.fields,
    sync_id: d.syncId ?? null,
    sync_matched: d.syncId !== undefined,
    predicted_at: d.predictedAt,
    predicted_ms: at,
    conflict_seen: conflictSeen,
    outcome: 'pending',
    conflict_occurred: null,
    outcome_recorded_at: null,
  };
  view.put(PREDICTION_LOG, d.predictionId, log);
}

/** The user's next sync of the entity within 24 h takes every open prediction made before it. */
async function onSync(event: RecordedEvent<SyncRecorded['data']>, view: ProjectionView): Promise<void> {
  const d = event.data;
  const key = openKey(d.tenantId, d.userId, d.entityType, d.entityId);
  const doc = await view.get<OpenDoc>(OPEN_PREDICTIONS, key);
  if (!doc || doc.open.length === 0) return;
  const before = await allOpen(view, key, doc);
  const { matched, open } = matchSyncToOpenPredictions(before, Date.parse(d.syncedAt));
  if (open.length !== before.length) replaceOpen(view, key, doc, open);
  if (matched.length === 0) return;
  const conflicted = await tieToSync(view, d.tenantId, d.syncId, matched.map((o) => o.id));
  for (const o of matched) {
    const log = await view.get<PredictionLogDoc>(PREDICTION_LOG, o.id);
    if (log) view.put(PREDICTION_LOG, o.id, { ...log, sync_id: d.syncId, sync_matched: true, conflict_seen: log.conflict_seen || conflicted });
  }
}

async function onConflict(event: RecordedEvent<ConflictResolved['data']>, view: ProjectionView): Promise<void> {
  const d = event.data;
  const key = syncKey(d.tenantId, d.syncId);
  const doc = (await view.get<BySyncDoc>(PREDICTIONS_BY_SYNC, key)) ?? { prediction_ids: [], conflicted: false };
  if (!doc.conflicted) view.put(PREDICTIONS_BY_SYNC, key, { ...doc, conflicted: true });
  for (const id of doc.prediction_ids) {
    const log = await view.get<PredictionLogDoc>(PREDICTION_LOG, id);
    if (log && !log.conflict_seen) view.put(PREDICTION_LOG, id, { ...log, conflict_seen: true });
  }
}

async function onOutcome(event: RecordedEvent<PredictionOutcomeRecorded['data']>, view: ProjectionView): Promise<void> {
  const d = event.data;
  const log = await view.get<PredictionLogDoc>(PREDICTION_LOG, d.predictionId);
  if (!log) return;
  view.put(PREDICTION_LOG, d.predictionId, {
    ...log,
    sync_id: log.sync_id ?? d.syncId,
    outcome: d.correct ? 'correct' : 'incorrect',
    conflict_occurred: d.conflictOccurred,
    outcome_recorded_at: d.recordedAt,
  });
}

/** The documents an event reads first (those found through them are read as it applies). */
function documentsRead(event: RecordedEvent): Array<[string, string]> {
  if (isEventOf<ConflictPredicted>(event, 'ConflictPredicted')) {
    const d = event.data;
    return d.syncId ? [[PREDICTIONS_BY_SYNC, syncKey(d.tenantId, d.syncId)]] : [[OPEN_PREDICTIONS, openKey(d.tenantId, d.userId, d.entityType, d.entityId)]];
  }
  if (isEventOf<SyncRecorded>(event, 'SyncRecorded')) return [[OPEN_PREDICTIONS, openKey(event.data.tenantId, event.data.userId, event.data.entityType, event.data.entityId)]];
  if (isEventOf<ConflictResolved>(event, 'ConflictResolved')) return [[PREDICTIONS_BY_SYNC, syncKey(event.data.tenantId, event.data.syncId)]];
  if (isEventOf<PredictionOutcomeRecorded>(event, 'PredictionOutcomeRecorded')) return [[PREDICTION_LOG, event.data.predictionId]];
  return [];
}

/** The prediction log, and which predictions belong to which sync (by sync_id or by matching). */
export const predictionLogProjection: Projection = {
  name: 'prediction-log',
  // 2: several predictions matched to one sync are all tied to it. 3: open predictions in chunks.
  version: 3,
  collections: [PREDICTION_LOG, PREDICTIONS_BY_SYNC, OPEN_PREDICTIONS, OPEN_CHUNKS],
  indexes: {
    [PREDICTION_LOG]: [
      ['tenant', 'predicted_ms'],
      ['outcome', 'predicted_ms'],
    ],
  },
  eventTypes: ['ConflictPredicted', 'SyncRecorded', 'ConflictResolved', 'PredictionOutcomeRecorded'],
  prefetch: documentsRead,
  async apply(event, view) {
    if (isEventOf<ConflictPredicted>(event, 'ConflictPredicted')) await onPredicted(event, view);
    else if (isEventOf<SyncRecorded>(event, 'SyncRecorded')) await onSync(event, view);
    else if (isEventOf<ConflictResolved>(event, 'ConflictResolved')) await onConflict(event, view);
    else if (isEventOf<PredictionOutcomeRecorded>(event, 'PredictionOutcomeRecorded')) await onOutcome(event, view);
  },
};

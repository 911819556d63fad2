import { Inject, Injectable, Optional } from '@nestjs/common';
import { DAY_MS } from '../../domain/shared/clock';
import { CURRENT_FEATURE_DEFINITION, ConflictFeatures, FeatureDefinition, toFeatureVector } from '../../ml/conflict-features';
import { ConflictTrainingRow } from '../../ml/train-conflict-model';
import { ConflictFeaturesQuery } from '../../ports/conflict-features.query';
import { READ_STORE, ReadStore, allPages } from '../../ports/read-store.port';
import { READ_THREAD, ReadThread } from '../../ports/read-thread.port';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { ENTITY_HISTORY, SYNCS, USER_HISTORY } from './conflict-features.projection';
import { CONFLICT_FEATURE_READS, FeaturesAtArgs, featuresAtIn, featuresAtOnThread } from './conflict-features.reads';
import { EntityHistoryDoc, SyncDoc, UserHistoryDoc, bucketIdsAt, featuresFromHistory, userKey } from './conflict-history';

/** A sync's label settles 24 h after it: conflicts are resolved within that time. */
export const LABEL_SETTLE_MS = DAY_MS;
const PAGE = 5000;

/** Point-in-time conflict features and training rows, answered from the conflict-features read model. */
@Injectable()
export class ConflictFeaturesService implements ConflictFeaturesQuery {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Optional() @Inject(READ_THREAD) private readonly thread: ReadThread | null = null,
  ) {}

  /**
   * The five features for `userId` editing `fields` of an entity at `atMs`, from history known at
   * that moment (events stamped later are ignored). `syncId` names a sync that may already be
   * recorded, so it does not count as its own history.
   */
  async featuresAt(
    tenant: string,
    userId: string,
    entityType: string,
    entityId: string,
    fields: readonly string[],
    atMs: number,
    syncId?: string,
    definition: FeatureDefinition = CURRENT_FEATURE_DEFINITION,
  ): Promise<ConflictFeatures> {
    const args: FeaturesAtArgs = { tenant, userId, entityType, entityId, fields, atMs, ...(syncId !== undefined ? { syncId } : {}), definition };
    // On a store with a read thread (the SQLite file) the lookup runs there: its reads and
    // arithmetic leave the main thread, which limits the server's throughput.
    if (this.thread) return this.thread.run<FeaturesAtArgs, ConflictFeatures>(CONFLICT_FEATURE_READS, featuresAtOnThread.name, args);
    return featuresAtIn(this.store, this.runner.catalog, args);
  }

  /**
   * One row per sync of every tenant stamped in [now - daysBack, now - 24 h], oldest first, with
   * features as of the sync's own time and label 1 when a conflict of it is known by `nowMs`.
   * Rows carry no tenant or user: models are platform-wide. Features follow `definition`.
   */
  async trainingRows(daysBack: number, nowMs: number, definition: FeatureDefinition = CURRENT_FEATURE_DEFINITION): Promise<ConflictTrainingRow[]> {
    const [syncCollection, entityCollection, userCollection] = await Promise.all([
      this.runner.catalog.collection(SYNCS),
      this.runner.catalog.collection(ENTITY_HISTORY),
      this.runner.catalog.collection(USER_HISTORY),
    ]);
    const from = nowMs - daysBack * DAY_MS;
    const to = nowMs - LABEL_SETTLE_MS;
    if (to < from) return [];
    // One page of syncs and the history buckets they need at a time: only the rows accumulate.
    // Pages come in (at, id) order, the order the time split wants.
    const rows: ConflictTrainingRow[] = [];
    for await (const syncs of allPages<SyncDoc>(this.store, syncCollection, { filter: { at: { $gte: from, $lte: to } }, sort: [['at', 1]] }, PAGE)) {
      const entityDocs = await this.loadBuckets<EntityHistoryDoc>(entityCollection, syncs.flatMap((s) => bucketIdsAt(s.entity_key, s.at)));
      const userDocs = await this.loadBuckets<UserHistoryDoc>(userCollection, syncs.flatMap((s) => bucketIdsAt(userKey(s.tenant, s.user_id), s.at)));
      for (const s of syncs) {
        const entityIds = bucketIdsAt(s.entity_key, s.at);
        const userIds = bucketIdsAt(userKey(s.tenant, s.user_id), s.at);
        const features = featuresFromHistory(
          { syncId: s.sync_id, userId: s.user_id, entityKey: s.entity_key, at: s.at, fields: s.fields },
          userIds.map((id) => userDocs.get(id)),
          entityIds.map((id) => entityDocs.get(id)),
          definition,
        );
        rows.push({ syncId: s.sync_id, syncedAt: s.synced_at, features: toFeatureVector(features), label: s.conflict_ats.some((c) => c <= nowMs) ? 1 : 0 });
      }
    }
    return rows;
  }

  private async loadBuckets<T extends Record<string, unknown>>(collection: string, ids: readonly string[]): Promise<Map<string, T>> {
    return this.store.getMany<T>(collection, [...new Set(ids)]);
  }
}

import { entityKey } from '../../domain/sync/sync.events';
import { ConflictFeatures, FeatureDefinition } from '../../ml/conflict-features';
import { ReadStore } from '../../ports/read-store.port';
import { ProjectionCatalog } from '../../runtime/projection-catalog';
import { ENTITY_HISTORY, USER_HISTORY, conflictFeaturesProjection } from './conflict-features.projection';
import { EntityHistoryDoc, UserHistoryDoc, bucketIdsAt, featuresFromHistory, userKey } from './conflict-history';

/** This module's path, for a read thread to load it (the .ts source under ts-node, the .js compiled). */
export const CONFLICT_FEATURE_READS = __filename;

/** What a point-in-time feature lookup needs; it crosses a thread boundary as is. */
export interface FeaturesAtArgs {
  readonly tenant: string;
  readonly userId: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly fields: readonly string[];
  readonly atMs: number;
  readonly syncId?: string;
  readonly definition: FeatureDefinition;
}

/**
 * The five features from the history buckets around `atMs`, through `catalog` (which generation of
 * the read model answers queries, read on every lookup) and `store`.
 */
export async function featuresAtIn(store: ReadStore, catalog: ProjectionCatalog, a: FeaturesAtArgs): Promise<ConflictFeatures> {
  const entity = entityKey(a.tenant, a.entityType, a.entityId);
  const user = userKey(a.tenant, a.userId);
  const [entityCollection, userCollection] = await Promise.all([catalog.collection(ENTITY_HISTORY), catalog.collection(USER_HISTORY)]);
  const entityIds = bucketIdsAt(entity, a.atMs);
  const userIds = bucketIdsAt(user, a.atMs);
  const [entityDocs, userDocs] = await Promise.all([store.getMany<EntityHistoryDoc>(entityCollection, entityIds), store.getMany<UserHistoryDoc>(userCollection, userIds)]);
  return featuresFromHistory(
    { syncId: a.syncId, userId: a.userId, entityKey: entity, at: a.atMs, fields: a.fields },
    userIds.map((id) => userDocs.get(id)),
    entityIds.map((id) => entityDocs.get(id)),
    a.definition,
  );
}

const catalogs = new WeakMap<ReadStore, ProjectionCatalog>();

/** The lookup as a read thread runs it: its own catalog over the thread's store. */
export function featuresAtOnThread(store: ReadStore, a: FeaturesAtArgs): Promise<ConflictFeatures> {
  let catalog = catalogs.get(store);
  if (!catalog) {
    catalog = new ProjectionCatalog(store);
    catalog.register(conflictFeaturesProjection);
    catalogs.set(store, catalog);
  }
  return featuresAtIn(store, catalog, a);
}

import { Inject, Injectable } from '@nestjs/common';
import { TrainingExampleStatus } from '../../domain/training/training-example.decider';
import { SourceSystem } from '../../domain/training/training-example.events';
import { FieldCondition, Filter, Page, READ_STORE, ReadStore, allDocs, collect } from '../../ports/read-store.port';
import type { TrainingExampleDoc, TrainingExamplesReader } from '../../ports/training-examples.query';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { TRAINING_EXAMPLES_COLLECTION } from './training-examples.projection';

export interface ExampleFilter {
  readonly sourceSystem?: SourceSystem;
  readonly status?: TrainingExampleStatus | readonly TrainingExampleStatus[];
  readonly corrected?: boolean;
  readonly sourceId?: string;
}

/** Examples no labeling task has picked yet: the active-learning pool. */
export const UNLABELED_STATUSES: readonly TrainingExampleStatus[] = ['captured', 'corrected'];

/**
 * Tenant-scoped reads of the training-examples read model, for the examples endpoint and for
 * other features (active learning selects its pool and finds photos through it).
 */
@Injectable()
export class TrainingExamplesQuery implements TrainingExamplesReader {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  /** Newest first, keyset-paginated. */
  async list(tenantId: string, filter: ExampleFilter = {}, page: { limit?: number; cursor?: string | null } = {}): Promise<Page<TrainingExampleDoc>> {
    const collection = await this.runner.catalog.collection(TRAINING_EXAMPLES_COLLECTION);
    return this.store.find<TrainingExampleDoc>(collection, { filter: toFilter(tenantId, filter), sort: [['created_at', -1]], limit: page.limit ?? 50, cursor: page.cursor ?? null });
  }

  /** null for an unknown example and for another tenant's (existence is not leaked). */
  async get(tenantId: string, exampleId: string): Promise<TrainingExampleDoc | null> {
    const collection = await this.runner.catalog.collection(TRAINING_EXAMPLES_COLLECTION);
    const doc = await this.store.get<TrainingExampleDoc>(collection, exampleId);
    return doc && doc.tenant_id === tenantId ? doc : null;
  }

  async imageHash(tenantId: string, exampleId: string): Promise<string | null> {
    return (await this.get(tenantId, exampleId))?.image_hash ?? null;
  }

  /** Every example of the tenant in the given statuses (default: not yet queued or labeled), oldest first. */
  async unlabeledPool(tenantId: string, options: { sourceSystem?: SourceSystem; statuses?: readonly TrainingExampleStatus[] } = {}): Promise<TrainingExampleDoc[]> {
    const collection = await this.runner.catalog.collection(TRAINING_EXAMPLES_COLLECTION);
    const filter = toFilter(tenantId, { sourceSystem: options.sourceSystem, status: options.statuses ?? UNLABELED_STATUSES });
    return collect(allDocs<TrainingExampleDoc>(this.store, collection, { filter, sort: [['created_at', 1]] }, 5000));
  }

  async countByStatus(tenantId: string): Promise<Record<TrainingExampleStatus, number>> {
    const collection = await this.runner.catalog.collection(TRAINING_EXAMPLES_COLLECTION);
    const statuses: TrainingExampleStatus[] = ['captured', 'corrected', 'queued', 'labeled'];
    const counts = await Promise.all(statuses.map((status) => this.store.count(collection, { tenant_id: tenantId, status })));
    return Object.fromEntries(statuses.map((s, i) => [s, counts[i]])) as Record<TrainingExampleStatus, number>;
  }
}

function toFilter(tenantId: string, filter: ExampleFilter): Filter {
  const out: Record<string, FieldCondition> = { tenant_id: tenantId };
  if (filter.sourceSystem) out.source_system = filter.sourceSystem;
  if (typeof filter.status === 'string') out.status = filter.status;
  else if (filter.status) out.status = { $in: [...filter.status] };
  if (filter.corrected !== undefined) out.corrected = filter.corrected;
  if (filter.sourceId) out.source_id = filter.sourceId;
  return out;
}

import { RecordedEvent, isEventOf } from '../../domain/shared/events';
import { DatasetExample, DatasetVersionCreated } from '../../domain/training/dataset.events';
import { SourceSystem } from '../../domain/training/training-example.events';
import { documentProjection } from '../../runtime/projection';

export const DATASETS_COLLECTION = 'training_datasets';

export interface DatasetDoc {
  readonly dataset_id: string;
  readonly tenant_id: string;
  readonly name: string;
  readonly source_system: SourceSystem | null;
  readonly example_count: number;
  readonly content_hash: string;
  readonly created_at: string;
  readonly created_by: string;
  readonly examples: readonly DatasetExample[];
  [key: string]: unknown;
}

export function evolveDataset(doc: DatasetDoc | null, event: RecordedEvent): DatasetDoc | null {
  if (!isEventOf<DatasetVersionCreated>(event, 'DatasetVersionCreated') || doc) return doc;
  const d = event.data;
  return {
    dataset_id: d.datasetId,
    tenant_id: d.tenantId,
    name: d.name,
    source_system: d.sourceSystem,
    example_count: d.exampleCount,
    content_hash: d.contentHash,
    created_at: d.createdAt,
    created_by: event.metadata.actorId,
    examples: d.examples,
  };
}

/** Frozen dataset versions, as created: the export reads its example list from here. */
export const datasetsProjection = documentProjection<DatasetDoc>({
  name: 'training-datasets',
  version: 1,
  collection: DATASETS_COLLECTION,
  indexes: [['tenant_id', 'created_at']],
  eventTypes: ['DatasetVersionCreated'],
  key: (event) => (typeof event.data.datasetId === 'string' ? event.data.datasetId : null),
  evolve: evolveDataset,
});

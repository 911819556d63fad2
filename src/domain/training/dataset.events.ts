import { DomainEvent } from '../shared/events';
import { SourceSystem } from './training-example.events';

export interface DatasetExample {
  readonly exampleId: string;
  readonly sourceSystem: SourceSystem;
  readonly imageHash: string;
  /** The ground truth as frozen: a later relabel does not change this version. Sealed for an entry's example (a plate). */
  readonly label: string;
  /**
   * sha256 of the label's UTF-8 bytes; for a sealed label (written since labels of entries are
   * sealed), an HMAC-SHA256 under the plate's subject key, so it cannot be found by hashing every
   * plate and is unlinkable once the plate is erased.
   */
  readonly labelHash: string;
  readonly labelSource: 'labeler' | 'correction';
}

/** Stream `dataset-<datasetId>`: an immutable version of the tenant's labeled examples. */
export type DatasetVersionCreated = DomainEvent<
  'DatasetVersionCreated',
  {
    datasetId: string;
    tenantId: string;
    name: string;
    createdAt: string;
    sourceSystem: SourceSystem | null;
    exampleCount: number;
    /** sha256 over the canonical example list: two versions with the same content share it. */
    contentHash: string;
    examples: readonly DatasetExample[];
  }
>;

export type DatasetEvent = DatasetVersionCreated;

export const DATASET_CATEGORY = 'dataset';

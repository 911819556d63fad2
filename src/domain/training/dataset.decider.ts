import { createHash } from 'node:crypto';
import { canonicalJson } from '../shared/canonical-json';
import { Decider } from '../shared/decider';
import { UnprocessableError, assertNever } from '../shared/errors';
import { DatasetEvent, DatasetExample, DatasetVersionCreated } from './dataset.events';
import { SourceSystem } from './training-example.events';

export type DatasetState = { readonly status: 'none' } | { readonly status: 'created'; readonly dataset: DatasetVersionCreated['data'] };

export interface LabeledExample {
  readonly exampleId: string;
  readonly sourceSystem: SourceSystem;
  readonly imageHash: string;
  readonly label: string;
  /** A keyed hash of the label, given for a sealed (personal) label; else the sha256 of the label. */
  readonly labelHash?: string;
  readonly labelSource: 'labeler' | 'correction';
}

export type DatasetCommand = {
  readonly kind: 'create';
  readonly datasetId: string;
  readonly tenantId: string;
  readonly name: string;
  readonly sourceSystem: SourceSystem | null;
  readonly examples: readonly LabeledExample[];
  readonly at: string;
};

export function labelHash(label: string): string {
  return createHash('sha256').update(label, 'utf8').digest('hex');
}

export const datasetDecider: Decider<DatasetState, DatasetCommand, DatasetEvent> = {
  initialState: { status: 'none' },

  evolve(_state, event) {
    switch (event.type) {
      case 'DatasetVersionCreated':
        return { status: 'created', dataset: event.data };
      default:
        return assertNever(event.type, 'dataset event');
    }
  },

  decide(command, state) {
    switch (command.kind) {
      case 'create': {
        if (state.status === 'created') return [];
        if (command.examples.length === 0) throw new UnprocessableError('there are no labeled examples to freeze into a dataset', { rule: 'needs_labeled_examples' });
        // Sorted by id, so the same content always gives the same version hash and export order.
        const examples: DatasetExample[] = [...command.examples]
          .sort((a, b) => (a.exampleId < b.exampleId ? -1 : a.exampleId > b.exampleId ? 1 : 0))
          .map((e) => ({ exampleId: e.exampleId, sourceSystem: e.sourceSystem, imageHash: e.imageHash, label: e.label, labelHash: e.labelHash ?? labelHash(e.label), labelSource: e.labelSource }));
        const contentHash = createHash('sha256').update(canonicalJson(examples)).digest('hex');
        return [
          {
            type: 'DatasetVersionCreated',
            data: {
              datasetId: command.datasetId,
              tenantId: command.tenantId,
              name: command.name,
              createdAt: command.at,
              sourceSystem: command.sourceSystem,
              exampleCount: examples.length,
              contentHash,
              examples,
            },
          },
        ];
      }
      default:
        return assertNever(command.kind, 'dataset command');
    }
  },
};

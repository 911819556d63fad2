import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { streamName } from '../../domain/shared/events';
import { derivedId, newId } from '../../domain/shared/ids';
import { LabeledExample, datasetDecider } from '../../domain/training/dataset.decider';
import { DATASET_CATEGORY } from '../../domain/training/dataset.events';
import { SourceSystem } from '../../domain/training/training-example.events';
import { Principal } from '../../domain/shared/principal';
import { PERSONAL_DATA, PersonalDataPort } from '../../ports/personal-data.port';
import { TRAINING_EXAMPLES_QUERY, TrainingExamplesReader } from '../../ports/training-examples.query';
import { contextFromPrincipal, Decide } from '../../runtime/decide';

/** Freezes the tenant's examples that have ground truth (a labeler's label, else a correction). */
@Injectable()
export class DatasetService {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(TRAINING_EXAMPLES_QUERY) private readonly examples: TrainingExamplesReader,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PERSONAL_DATA) private readonly personal: PersonalDataPort,
  ) {}

  async create(p: Principal, options: { name?: string; sourceSystem?: SourceSystem }, key: string | null) {
    const datasetId = `ds_${key ? derivedId('dataset', p.tenant, key) : newId()}`;
    const at = this.clock.now().toISOString();
    const examples = await this.labeledExamples(p.tenant, options.sourceSystem ?? null);
    const result = await this.commandBus.execute(
      new Decide(
        streamName(DATASET_CATEGORY, datasetId),
        datasetDecider,
        { kind: 'create', datasetId, tenantId: p.tenant, name: options.name?.trim() || `dataset ${at}`, sourceSystem: options.sourceSystem ?? null, examples, at },
        contextFromPrincipal(p, key ? `dataset:${p.tenant}:${key}` : newId()),
      ),
    );
    if (result.state.status !== 'created') throw new Error(`dataset ${datasetId} was not recorded`);
    const d = result.state.dataset;
    return { dataset_id: d.datasetId, stream: streamName(DATASET_CATEGORY, datasetId), name: d.name, example_count: d.exampleCount, content_hash: d.contentHash, created_at: d.createdAt, position: String(result.position) };
  }

  private async labeledExamples(tenantId: string, sourceSystem: SourceSystem | null): Promise<LabeledExample[]> {
    const docs = await this.examples.unlabeledPool(tenantId, { statuses: ['labeled', 'corrected', 'queued'], sourceSystem: sourceSystem ?? undefined });
    const out: LabeledExample[] = [];
    for (const doc of docs) {
      const byLabeler = doc.status === 'labeled' && !!doc.label;
      const label = byLabeler ? doc.label : doc.ground_truth_text;
      if (!label || !doc.image_hash) continue;
      const labelHash = await this.keyedLabelHash(tenantId, label);
      // An erased plate's example is no training data: left out.
      if (labelHash === null) continue;
      out.push({ exampleId: doc.example_id, sourceSystem: doc.source_system, imageHash: doc.image_hash, label, ...(labelHash ? { labelHash } : {}), labelSource: byLabeler ? 'labeler' : 'correction' });
    }
    return out;
  }

  /**
   * A sealed label (a plate) is hashed with its subject's key, never an unkeyed sha256 of the plate;
   * '' for a plain label (the decider takes its sha256); null when the label's subject was erased.
   */
  private async keyedLabelHash(tenantId: string, label: string): Promise<string | null> {
    const subjectId = this.personal.subjectOfSealed(label);
    if (subjectId === null) return '';
    const opened = await this.personal.open(tenantId, label);
    return 'text' in opened ? this.personal.keyedHash(tenantId, subjectId, opened.text) : null;
  }
}

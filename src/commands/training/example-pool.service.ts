import { Inject, Injectable } from '@nestjs/common';
import { openVector } from '../../domain/privacy/sealed';
import { PERSONAL_DATA, PersonalDataPort } from '../../ports/personal-data.port';
import { SourceSystem } from '../../domain/training/training-example.events';
import { PoolExample } from '../../ml/active-learning';
import { LABELING_BACKLOG_QUERY, LabelingBacklogReader } from '../../ports/labeling-backlog.query';
import { TRAINING_EXAMPLES_QUERY, TrainingExamplesReader } from '../../ports/training-examples.query';

export interface ExamplePool {
  readonly examples: PoolExample[];
  readonly sourceSystems: ReadonlyMap<string, SourceSystem>;
}

/**
 * The unlabeled examples of a tenant that a batch may choose: captured or corrected ones, and
 * queued ones whose task was skipped; never one that already has an open task.
 */
@Injectable()
export class ExamplePoolService {
  constructor(
    @Inject(TRAINING_EXAMPLES_QUERY) private readonly examples: TrainingExamplesReader,
    @Inject(LABELING_BACKLOG_QUERY) private readonly backlog: LabelingBacklogReader,
    @Inject(PERSONAL_DATA) private readonly personal: PersonalDataPort,
  ) {}

  async load(tenantId: string): Promise<ExamplePool> {
    const openTasks = await this.backlog.openTaskExampleIds(tenantId);
    const examples: PoolExample[] = [];
    const sourceSystems = new Map<string, SourceSystem>();
    // Queued examples without an open task are ones whose task was skipped: they may be chosen again.
    const candidates = (await this.examples.unlabeledPool(tenantId, { statuses: ['captured', 'corrected', 'queued'] })).filter((doc) => !openTasks.has(doc.example_id));
    // An entry's vector is sealed under its plate's key: opened here; an erased plate's example is never chosen for labeling.
    const open = this.personal.opener(tenantId);
    const raw: { doc: (typeof candidates)[number]; features: number[] }[] = [];
    for (const doc of candidates) {
      const features = await openVector(doc.features ?? [], open);
      if (features !== null) raw.push({ doc, features });
    }
    const dims = dominantLength(raw.map((r) => r.features.length));
    for (const { doc, features } of raw) {
      // Each skip halves, then thirds, … the example's weight: skipped photos come back, behind fresh ones.
      const uncertainty = (Number(doc.uncertainty_score) || 0) / (1 + (Number(doc.skips) || 0));
      examples.push({ exampleId: doc.example_id, uncertainty, isCorrection: doc.corrected === true, features: fitFeatures(features, dims) });
      sourceSystems.set(doc.example_id, doc.source_system);
    }
    return { examples, sourceSystems };
  }
}

/** The feature length most examples share; examples recorded without features get zeros of it. */
function dominantLength(lengths: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const n of lengths) if (n > 0) counts.set(n, (counts.get(n) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [n, c] of counts) if (c > bestCount || (c === bestCount && n > best)) [best, bestCount] = [n, c];
  return best;
}

function fitFeatures(features: readonly number[], dims: number): number[] {
  const out = new Array<number>(dims).fill(0);
  for (let i = 0; i < Math.min(dims, features.length); i++) out[i] = Number.isFinite(features[i]) ? features[i] : 0;
  return out;
}

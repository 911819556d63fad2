import { Inject, Injectable } from '@nestjs/common';
import type { CalibrationEngine, CalibrationMode, LabelsThrough } from '../../domain/ocr-calibration/ocr-calibration.events';
import { Page, READ_STORE, ReadStore } from '../../ports/read-store.port';
import type { LabeledScore } from '../../ml/calibration';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { GroundTruthDoc, OCR_GROUND_TRUTH_COLLECTION } from './ocr-ground-truth.projection';

export interface FlywheelLabels {
  readonly samples: LabeledScore[];
  /** The newest label among them (by log position); null with none. */
  readonly labelsThrough: LabelsThrough | null;
  /** Distinct engine builds the scores came from, sorted. */
  readonly engineVersions: string[];
}

const PAGE = 500;

/** The labeled readings of one engine and mode, across every tenant: what a flywheel fit learns from. */
@Injectable()
export class OcrGroundTruthQuery {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(READ_STORE) private readonly reads: ReadStore,
  ) {}

  async labeled(engine: CalibrationEngine, mode: CalibrationMode): Promise<FlywheelLabels> {
    const collection = await this.runner.catalog.collection(OCR_GROUND_TRUTH_COLLECTION);
    const samples: LabeledScore[] = [];
    const versions = new Set<string>();
    let newest: LabelsThrough | null = null;
    let cursor: string | null = null;
    do {
      const page: Page<GroundTruthDoc> = await this.reads.find<GroundTruthDoc>(collection, { filter: { engine_name: engine, mode, labeled: true }, limit: PAGE, cursor });
      for (const doc of page.items) {
        if (doc.correct === null || doc.truth_position === null || doc.truth_at === null || !Number.isFinite(doc.score)) continue;
        samples.push({ score: doc.score, correct: doc.correct ? 1 : 0 });
        versions.add(doc.engine);
        if (newest === null || doc.truth_position > newest.position) newest = { position: doc.truth_position, at: doc.truth_at };
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
    return { samples, labelsThrough: newest, engineVersions: [...versions].sort() };
  }
}

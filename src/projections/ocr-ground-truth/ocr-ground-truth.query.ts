import { Inject, Injectable } from '@nestjs/common';
import type { CalibrationEngine, CalibrationMode, LabelsThrough } from '../../domain/ocr-calibration/ocr-calibration.events';
import { READ_STORE, ReadStore, allDocs } from '../../ports/read-store.port';
import type { LabeledScore } from '../../ml/calibration';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { isSealed } from '../../domain/privacy/sealed';
import type { FlywheelLabels, OcrGroundTruthReader } from '../../ports/ocr-ground-truth.query';
import { PERSONAL_DATA, PersonalDataPort } from '../../ports/personal-data.port';
import { GroundTruthDoc, OCR_GROUND_TRUTH_COLLECTION, normalise } from './ocr-ground-truth.projection';

const PAGE = 500;

/** The labeled readings of one engine and mode, across every tenant: what a flywheel fit learns from. */
@Injectable()
export class OcrGroundTruthQuery implements OcrGroundTruthReader {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    @Inject(PERSONAL_DATA) private readonly personal: PersonalDataPort,
  ) {}

  async labeled(engine: CalibrationEngine, mode: CalibrationMode): Promise<FlywheelLabels> {
    const collection = await this.runner.catalog.collection(OCR_GROUND_TRUTH_COLLECTION);
    const samples: LabeledScore[] = [];
    const versions = new Set<string>();
    let newest: LabelsThrough | null = null;
    for await (const doc of allDocs<GroundTruthDoc>(this.reads, collection, { filter: { engine_name: engine, mode, labeled: true } }, PAGE)) {
      if (doc.correct === null || doc.truth_position === null || doc.truth_at === null || !Number.isFinite(doc.score)) continue;
      const correct = await this.correctness(doc);
      if (correct === null) continue;
      samples.push({ score: doc.score, correct: correct ? 1 : 0 });
      versions.add(doc.engine);
      if (newest === null || doc.truth_position > newest.position) newest = { position: doc.truth_position, at: doc.truth_at };
    }
    return { samples, labelsThrough: newest, engineVersions: [...versions].sort() };
  }

  /**
   * The projection cannot compare sealed texts (it holds no keys; two seals of one plate differ):
   * they are opened here. An erased entry is no sample: training skips erased data.
   */
  private async correctness(doc: GroundTruthDoc): Promise<boolean | null> {
    if (!isSealed(doc.text) && !isSealed(doc.truth)) return doc.correct;
    if (doc.tenant_id === null || doc.truth === null) return null;
    const [text, truth] = await Promise.all([this.personal.open(doc.tenant_id, doc.text), this.personal.open(doc.tenant_id, doc.truth)]);
    if (!('text' in text) || !('text' in truth)) return null;
    return normalise(doc.mode, text.text) === normalise(doc.mode, truth.text);
  }
}

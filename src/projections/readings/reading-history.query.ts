import { Inject, Injectable } from '@nestjs/common';
import { READ_STORE, ReadStore, allDocs, collect } from '../../ports/read-store.port';
import type { PastMeterReading, ReadingHistoryReader } from '../../ports/reading-history.query';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { GroundTruthDoc, OCR_GROUND_TRUTH_COLLECTION } from '../ocr-ground-truth/ocr-ground-truth.projection';
import { READINGS_COLLECTION, ReadingDoc } from './readings.projection';

const PAGE = 500;

/** A tenant's own readings and OCR ground truth, for the plate and counter checks (READING_HISTORY_QUERY). */
@Injectable()
export class ReadingHistoryQuery implements ReadingHistoryReader {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(READ_STORE) private readonly reads: ReadStore,
  ) {}

  async meterReadings(tenantId: string, assetId: string): Promise<PastMeterReading[]> {
    const readings = await this.all<ReadingDoc>(READINGS_COLLECTION, { tenant_id: tenantId, asset_id: assetId, source_type: 'meter_reading' });
    const truths = await this.reads.getMany<GroundTruthDoc>(await this.runner.catalog.collection(OCR_GROUND_TRUTH_COLLECTION), readings.map((r) => r.id));
    return readings.map((r) => ({
      id: r.id,
      text: r.text,
      confidence: r.confidence,
      recorded_at: r.recorded_at,
      truth: truths.get(r.id)?.truth ?? null,
      corrected_text: r.corrected_text,
    }));
  }

  async labeledPlateTruths(tenantId: string): Promise<(string | null)[]> {
    const docs = await this.all<GroundTruthDoc>(OCR_GROUND_TRUTH_COLLECTION, { tenant_id: tenantId, mode: 'plate', labeled: true });
    return docs.map((d) => d.truth);
  }

  private async all<T extends Record<string, unknown>>(name: string, filter: Record<string, string | boolean>): Promise<T[]> {
    return collect(allDocs<T>(this.reads, await this.runner.catalog.collection(name), { filter }, PAGE));
  }
}

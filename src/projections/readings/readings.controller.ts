import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { sourceStream } from '../../domain/readings/reading.events';
import { NotFoundError } from '../../domain/shared/errors';
import { isValidId } from '../../domain/shared/ids';
import { SourceSystem } from '../../domain/training/training-example.events';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { READ_STORE, ReadStore, allDocs, collect } from '../../ports/read-store.port';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { CorrectionDoc, READINGS_COLLECTION, READING_CORRECTIONS_COLLECTION, ReadingDoc } from './readings.projection';

function corrections(list: readonly CorrectionDoc[]) {
  return list.map((c) => ({
    correction_id: c.correction_id,
    corrected_text: c.corrected_text,
    correction_type: c.correction_type,
    previous_text: c.previous_text,
    corrected_by: c.corrected_by,
    submitted_at: c.submitted_at,
  }));
}

function common(doc: ReadingDoc, list: readonly CorrectionDoc[]) {
  return {
    raw_text: doc.raw_text,
    confidence: doc.confidence,
    score: doc.score,
    calibration_id: doc.calibration_id,
    engine_name: doc.engine_name,
    captured_for_training: doc.captured_for_training,
    image_hash: doc.image_hash,
    engine: doc.engine,
    recorded_by: doc.recorded_by,
    recorded_at: doc.recorded_at,
    updated_at: doc.updated_at,
    corrected_text: doc.corrected_text,
    corrections: corrections(list),
  };
}

/** A reading or entry with its corrections; another tenant's is 404 (existence is not leaked). */
@ApiTags('capture')
@ApiBearerAuth()
@Controller('api/v2')
@Roles('guard', 'labeler', 'ml_engineer')
export class ReadingsController {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  @Get('meter-readings/:id')
  async meterReading(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const doc = await this.find(principal, 'meter_reading', id);
    return { reading_id: doc.id, asset_id: doc.asset_id, value: doc.value, unit: doc.unit, text: doc.text, ...common(doc, doc.correction_count > 0 ? await this.corrections(sourceStream('meter_reading', id)) : []) };
  }

  @Get('vehicle-entries/:id')
  async vehicleEntry(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const doc = await this.find(principal, 'vehicle_entry', id);
    return { entry_id: doc.id, gate_id: doc.gate_id, plate: doc.text, ...common(doc, doc.correction_count > 0 ? await this.corrections(sourceStream('vehicle_entry', id)) : []) };
  }

  /** A reading's corrections in the order they were recorded (none: no read). */
  private async corrections(reading: string): Promise<CorrectionDoc[]> {
    const collection = await this.runner.catalog.collection(READING_CORRECTIONS_COLLECTION);
    return collect(allDocs<CorrectionDoc>(this.store, collection, { filter: { reading }, sort: [['position', 1]] }, 500));
  }

  private async find(principal: Principal, sourceType: SourceSystem, id: string): Promise<ReadingDoc> {
    const doc = isValidId(id) ? await this.store.get<ReadingDoc>(await this.runner.catalog.collection(READINGS_COLLECTION), sourceStream(sourceType, id)) : null;
    if (!doc || doc.tenant_id !== principal.tenant || doc.source_type !== sourceType) throw new NotFoundError(`${sourceType} ${id} not found`);
    return doc;
  }
}

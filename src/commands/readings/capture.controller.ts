import { StoredVector } from '../../domain/privacy/sealed';
import { Body, Controller, Headers, HttpCode, Inject, Post, UploadedFile, UseInterceptors, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '../../config';
import { RecordMeterReading, RecordVehicleEntry, ReadingCommand, ReadingState, readingDecider } from '../../domain/readings/reading.decider';
import { ReadingEvent, sourceStream } from '../../domain/readings/reading.events';
import { derivedId, deterministicUuid, newId } from '../../domain/shared/ids';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { BLOB_STORE, BlobStore } from '../../ports/blob-store.port';
import { positionString } from '../../http/conventions';
import { PERSONAL_DATA, PersonalDataPort } from '../../ports/personal-data.port';
import { ReadingChecks } from '../ocr-settings/reading-checks.service';
import { contextFromPrincipal, Decide, recordedPosition } from '../../runtime/decide';
import { RecordMeterReadingDto, RecordVehicleEntryDto, photoBody } from './capture.dto';
import { DOMAIN_METRICS, DomainMetrics } from '../../ports/domain-metrics.port';
import { idempotencyKey } from './idempotency';
import { PhotoIntake, PhotoReading, UploadedPhoto } from './photo-intake.service';

/** Guards upload photos; OCR runs before anything is appended, the capture saga does the rest. */
@ApiTags('capture')
@ApiBearerAuth()
@Controller('api/v2')
@Roles('guard')
export class CaptureController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly photos: PhotoIntake,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly checks: ReadingChecks,
    @Inject(PERSONAL_DATA) private readonly personal: PersonalDataPort,
    @Optional() @Inject(DOMAIN_METRICS) private readonly metrics?: DomainMetrics,
  ) {}

  @Post('meter-readings')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody(photoBody('asset_id'))
  @UseInterceptors(FileInterceptor('photo'))
  async recordMeterReading(
    @CurrentPrincipal() principal: Principal,
    @Body() body: RecordMeterReadingDto,
    @UploadedFile() photo: UploadedPhoto | undefined,
    @Headers('idempotency-key') key?: string,
  ) {
    const readingId = this.sourceId(principal, 'meter-reading', idempotencyKey(key));
    const intake = await this.photos.read(photo, 'meter');
    // The counter's width and history can doubt a reading the engine was sure of (a cut photo, a step back).
    const read = { ...intake, ocr: await this.checks.meter(principal.tenant, body.asset_id, intake.ocr) };
    const command: RecordMeterReading = {
      type: 'RecordMeterReading',
      readingId,
      assetId: body.asset_id,
      text: read.ocr.text,
      value: read.ocr.value,
      unit: read.ocr.unit,
      ...this.facts(principal, read),
    };
    const { record, position } = await this.record(sourceStream('meter_reading', readingId), command, principal, readingId);
    if (record.type !== 'MeterReadingRecorded') throw new Error(`stream of reading ${readingId} holds a ${record.type}`);
    const d = record.data;
    return { reading_id: readingId, stream: sourceStream('meter_reading', readingId), asset_id: d.assetId, value: d.value, unit: d.unit, raw_text: d.rawText, confidence: d.confidence, captured_for_training: d.capturedForTraining, position };
  }

  @Post('vehicle-entries')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody(photoBody('gate_id'))
  @UseInterceptors(FileInterceptor('photo'))
  async recordVehicleEntry(
    @CurrentPrincipal() principal: Principal,
    @Body() body: RecordVehicleEntryDto,
    @UploadedFile() photo: UploadedPhoto | undefined,
    @Headers('idempotency-key') key?: string,
  ) {
    const entryId = this.sourceId(principal, 'vehicle-entry', idempotencyKey(key));
    const intake = await this.photos.read(photo, 'plate', { store: false });
    const checked = await this.checks.plate(principal.tenant, intake.ocr);
    // Plate, OCR text, the photo's perceptual hash and the diversity vector (it holds the hash's bits) are personal:
    // stored sealed under the plate's subject key (the hash chain covers the ciphertext).
    const subjectId = await this.personal.subjectOf(principal.tenant, checked.ocr.text, entryId);
    const [plate, rawText, phash, features] = await this.personal.sealMany(principal.tenant, subjectId, [checked.ocr.text, checked.ocr.rawText, intake.phash, JSON.stringify(intake.features)]);
    // The photo is sealed under a key of its own entry, so retention can drop one old photo of a plate seen often.
    const photoKey = await this.putSealedPhoto((photo as UploadedPhoto).buffer);
    const read = { ...intake, phash, features, ocr: { ...checked.ocr, rawText } };
    const command: RecordVehicleEntry = { type: 'RecordVehicleEntry', entryId, gateId: body.gate_id, plate, plateFormat: checked.plateFormat, ...this.facts(principal, read) };
    // The link with the photo key and the append are written side by side (two files, two syncs, one wait): the
    // fields are sealed under the subject key, durable already. A crash between them leaves the entry's photo
    // without a key (unreadable, as if erased; a retry with the Idempotency-Key stores it again), never a
    // readable photo that erasure cannot reach. The answer waits for both.
    const [, { record, position }] = await Promise.all([
      this.personal.linkEntry(principal.tenant, subjectId, entryId, photoKey.blobHash, photoKey),
      this.record(sourceStream('vehicle_entry', entryId), command, principal, entryId),
    ]);
    if (key) await this.dropRetriedPhoto(principal.tenant, entryId, photoKey.blobHash);
    if (record.type !== 'VehicleEntryRecorded') throw new Error(`stream of entry ${entryId} holds a ${record.type}`);
    const d = record.data;
    return { entry_id: entryId, stream: sourceStream('vehicle_entry', entryId), gate_id: d.gateId, plate: d.plate, raw_text: d.rawText, plate_format: d.plateFormat ?? null, confidence: d.confidence, captured_for_training: d.capturedForTraining, position };
  }

  /** The photo sealed under a fresh key of its own and stored; its key is kept with the entry's link. */
  private async putSealedPhoto(bytes: Buffer): Promise<{ blobHash: string; wrappedKey: Buffer }> {
    const { sealed, wrappedKey } = this.personal.sealPhoto(bytes);
    return { blobHash: (await this.blobs.put(sealed, 'application/octet-stream')).hash, wrappedKey };
  }

  /** A retried capture (same Idempotency-Key, same entry) keeps its first photo key: the retry's copy opens with no key. */
  private async dropRetriedPhoto(tenant: string, entryId: string, blobHash: string): Promise<void> {
    const kept = await this.personal.entryPhoto(tenant, entryId);
    if (kept && kept.blobHash !== blobHash) await this.blobs.delete(blobHash);
  }

  /** Server-side uuid; with an Idempotency-Key, derived from it so a retry lands on the same stream. */
  private sourceId(principal: Principal, kind: string, key: string | null): string {
    return key ? derivedId(kind, principal.tenant, principal.sub, key) : newId();
  }

  /** `read.features` sealed for an entry (see `StoredVector`). */
  private facts(principal: Principal, read: Omit<PhotoReading, 'features'> & { readonly features: StoredVector }) {
    return {
      tenantId: principal.tenant,
      actorId: principal.sub,
      imageHash: read.imageHash,
      rawText: read.ocr.rawText,
      confidence: read.ocr.confidence,
      score: read.ocr.score,
      calibrationId: read.ocr.calibrationId,
      engineName: read.ocr.engineName,
      engine: read.ocr.engine,
      features: read.features,
      phash: read.phash,
      // On the calibrated confidence, never the raw score: below the threshold means "less than 70% likely to be right".
      capturedForTraining: read.ocr.confidence < this.config.captureConfidenceThreshold,
    };
  }

  /**
   * Appends the record (or finds it, for a retried Idempotency-Key) and answers from the recorded
   * event, so a retry returns the first answer even if its photo differs.
   */
  private async record(stream: string, command: ReadingCommand, principal: Principal, id: string) {
    const commandId = deterministicUuid(`record:${id}`);
    const result = await this.commandBus.execute(new Decide<ReadingState, ReadingCommand, ReadingEvent>(stream, readingDecider, command, contextFromPrincipal(principal, commandId)));
    if (result.state.status !== 'recorded') throw new Error(`record command left ${stream} empty`);
    if (result.events.length > 0) {
      const d = result.state.record.data;
      this.metrics?.readingRecorded({ source_system: result.state.sourceType, captured: String(d.capturedForTraining) });
    }
    return { record: result.state.record, position: positionString(recordedPosition(result)) };
  }
}

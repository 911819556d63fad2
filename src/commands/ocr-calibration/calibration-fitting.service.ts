import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../config';
import { OcrCalibrationCommand, OcrCalibrationState, ocrCalibrationDecider } from '../../domain/ocr-calibration/ocr-calibration.decider';
import { CalibrationEngine, CalibrationMode, OcrCalibrationEvent, OcrCalibrationFitted, calibrationStream } from '../../domain/ocr-calibration/ocr-calibration.events';
import { canonicalJson } from '../../domain/shared/canonical-json';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { UnavailableError } from '../../domain/shared/errors';
import { deterministicUuid } from '../../domain/shared/ids';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { FlywheelLabels, OCR_GROUND_TRUTH_QUERY, OcrGroundTruthReader } from '../../ports/ocr-ground-truth.query';
import { defaultCalibrations } from '../../domain/ocr-calibration/default-calibrations';
import { LabeledScore } from '../../ml/calibration';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { Decide } from '../../runtime/decide';
import { withFittedCalibration } from './calibration-fit';
import { CalibrationPointerService } from './calibration-pointer.service';

export const CALIBRATION_FOLDS = 5;

export interface FitResult {
  readonly calibration: OcrCalibrationFitted['data'];
  /** False when these labels had been fitted before: the earlier fit is answered. */
  readonly created: boolean;
  readonly eventId: string;
  readonly position: number;
}

/**
 * The development set's samples for an engine and mode, from the shipped default. Labels from the
 * flywheel are biased towards uncertain readings (low-confidence captures and corrections are what
 * people label), so a fit on them alone would learn little about the confident end; pooling them
 * with the development set, which was labeled without that selection, keeps both ends anchored.
 */
export function developmentSamples(engine: CalibrationEngine, mode: CalibrationMode): readonly LabeledScore[] {
  return defaultCalibrations().find((c) => c.engine === engine && c.mode === mode)?.samples ?? [];
}

/** Same labels, same id: fitting again before a new label arrives records nothing new. */
export function flywheelCalibrationId(engine: CalibrationEngine, mode: CalibrationMode, labels: FlywheelLabels, development: readonly LabeledScore[]): string {
  const digest = createHash('sha256')
    .update(canonicalJson({ engine, mode, labelsThrough: labels.labelsThrough, flywheel: labels.samples.length, development: development.length }))
    .digest('hex');
  return `ocrcal_${engine}_${mode}_${digest.slice(0, 12)}`;
}

/** Fits a calibration from the flywheel's labels (pooled with the development set) and records it. */
@Injectable()
export class CalibrationFittingService {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(OCR_GROUND_TRUTH_QUERY) private readonly groundTruth: OcrGroundTruthReader,
    private readonly pointer: CalibrationPointerService,
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async fit(engine: CalibrationEngine, mode: CalibrationMode, actorId: string): Promise<FitResult> {
    // Fit on every label the log holds when asked, not on a read model that is still catching up.
    const head = await this.events.headPosition();
    if (!(await this.runner.waitForPosition(head, 10_000))) throw new UnavailableError(`read models have not reached log position ${head} yet; retry shortly`, 2);
    const labels = await this.groundTruth.labeled(engine, mode);
    const development = developmentSamples(engine, mode);
    const calibrationId = flywheelCalibrationId(engine, mode, labels, development);
    // Fitted here, with ml; the decider checks the labels and records the fit.
    const command = withFittedCalibration({
      type: 'FitOcrCalibration',
      calibrationId,
      engine,
      engineVersion: labels.engineVersions.join(' + ') || 'unknown',
      mode,
      fittedBy: actorId,
      at: this.clock.now().toISOString(),
      flywheelSamples: labels.samples,
      developmentSamples: development,
      labelsThrough: labels.labelsThrough,
      minFlywheelLabels: this.config.ocrCalibrationMinLabels,
      folds: CALIBRATION_FOLDS,
    });
    const commandId = deterministicUuid(`ocr-calibration:fit:${calibrationId}`);
    const stream = calibrationStream(engine, mode);
    // Calibrations are engine behaviour, not tenant data: their events belong to no tenant.
    const context = { tenantId: null, actorId, commandId, correlationId: commandId, causationId: null };
    const result = await this.commandBus.execute(new Decide<OcrCalibrationState, OcrCalibrationCommand, OcrCalibrationEvent>(stream, ocrCalibrationDecider, command, context));
    await this.pointer.refresh(engine, mode);
    const fresh = result.events[0];
    if (fresh) return { calibration: fresh.data, created: true, eventId: result.recorded[0].eventId, position: result.position };
    const recorded = (await this.events.readStream(stream)).find((e) => e.type === 'OcrCalibrationFitted' && e.data.calibrationId === calibrationId);
    if (!recorded) throw new Error(`calibration ${calibrationId} is recorded on ${stream} but its event was not found`);
    return { calibration: recorded.data as OcrCalibrationFitted['data'], created: false, eventId: recorded.eventId, position: recorded.position };
  }
}

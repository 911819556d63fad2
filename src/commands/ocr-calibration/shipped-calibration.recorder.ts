import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { OcrCalibrationCommand, OcrCalibrationState, RecordShippedCalibration, ocrCalibrationDecider } from '../../domain/ocr-calibration/ocr-calibration.decider';
import { OcrCalibrationEvent, calibrationStream } from '../../domain/ocr-calibration/ocr-calibration.events';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { deterministicUuid } from '../../domain/shared/ids';
import { DefaultCalibration, defaultCalibrations } from '../../domain/ocr-calibration/default-calibrations';
import { crossValidatedProbabilities, logLoss } from '../../ml/calibration';
import { Decide } from '../../runtime/decide';

export const SHIPPED_CALIBRATIONS_ACTOR = 'system:shipped-calibrations';

/** Cross-validated log loss of a shipped default: as written by eval:ocr, else recomputed from its samples. */
function shippedLogLoss(shipped: DefaultCalibration): number | null {
  if (shipped.crossValidated.logLoss !== undefined) return shipped.crossValidated.logLoss;
  const samples = shipped.samples;
  if (samples.length < 2) return null;
  return logLoss(crossValidatedProbabilities(samples, shipped.method, shipped.crossValidated.folds), samples.map((s) => s.correct));
}

/** The command recording one shipped default. */
export function shippedCalibrationCommand(shipped: DefaultCalibration, at: string): RecordShippedCalibration {
  const { folds } = shipped.crossValidated;
  return {
    type: 'RecordShippedCalibration',
    calibrationId: shipped.calibrationId,
    engine: shipped.engine,
    engineVersion: shipped.engineVersion,
    mode: shipped.mode,
    fittedBy: SHIPPED_CALIBRATIONS_ACTOR,
    at,
    method: shipped.method,
    map: shipped.map,
    sampleCount: shipped.sampleCount,
    positives: shipped.positives,
    crossValidated: { ece: shipped.crossValidated.ece, auroc: shipped.crossValidated.auroc, folds, logLoss: shippedLogLoss(shipped) },
  };
}

/**
 * Records each shipped default calibration as OcrCalibrationFitted (source development_set), so a
 * reading calibrated with it is explainable from the log. Idempotent: the command id, and so the
 * event id, derive from the calibration id, and the decider answers [] for a recorded id; two
 * processes starting at once race on the expected revision and the loser finds it recorded.
 */
@Injectable()
export class ShippedCalibrationRecorder {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async recordAll(shipped: readonly DefaultCalibration[] = defaultCalibrations()): Promise<number> {
    let recorded = 0;
    for (const calibration of shipped) {
      const commandId = deterministicUuid(`ocr-calibration:shipped:${calibration.calibrationId}`);
      const context = { tenantId: null, actorId: SHIPPED_CALIBRATIONS_ACTOR, commandId, correlationId: commandId, causationId: null };
      const result = await this.commandBus.execute(
        new Decide<OcrCalibrationState, OcrCalibrationCommand, OcrCalibrationEvent>(
          calibrationStream(calibration.engine, calibration.mode),
          ocrCalibrationDecider,
          shippedCalibrationCommand(calibration, this.clock.now().toISOString()),
          context,
        ),
      );
      recorded += result.events.length;
    }
    return recorded;
  }
}

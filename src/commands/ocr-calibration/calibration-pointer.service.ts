import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CALIBRATION_ENGINES, CALIBRATION_MODES, CalibrationEngine, CalibrationMode, OcrCalibrationFitted, calibrationStream } from '../../domain/ocr-calibration/ocr-calibration.events';
import { RecordedEvent } from '../../domain/shared/events';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { APP_ROLE, AppRole } from '../../ports/app-role';
import { MutableOcrCalibrations, OCR_CALIBRATIONS } from '../../ports/ocr-calibrations.port';
import { SharedLog } from '../../runtime/shared-log';
import { ShippedCalibrationRecorder } from './shipped-calibration.recorder';

/**
 * Keeps the process's calibrations (OCR_CALIBRATIONS, read per photo) equal to the newest
 * OcrCalibrationFitted of each engine and mode. The streams are folded once at start and again when
 * a subscription to the log sees a new fit (from this process or another one, such as the CLI),
 * like the active-model session cache. With no event for a pair, the shipped default stays.
 */
@Injectable()
export class CalibrationPointerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CalibrationPointerService.name);
  private readonly abort = new AbortController();
  /** Revision of the event each pair is set from: a slower, older read never overwrites a newer one. */
  private readonly revisions = new Map<string, number>();

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(OCR_CALIBRATIONS) private readonly calibrations: MutableOcrCalibrations,
    @Inject(APP_ROLE) private readonly role: AppRole,
    private readonly shipped: ShippedCalibrationRecorder,
    private readonly log: SharedLog,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.role !== 'server') return;
    // Recorded before the first photo is read, so every reading's calibrationId is in the log.
    await this.shipped.recordAll().catch((error: unknown) => this.logger.error(`cannot record the shipped OCR calibrations: ${message(error)}`));
    // The head is taken before the streams are read, so no fit appended meanwhile is missed.
    const head = await this.events.headPosition();
    await Promise.all(CALIBRATION_ENGINES.flatMap((engine) => CALIBRATION_MODES.map((mode) => this.refresh(engine, mode))));
    void this.watch(head);
  }

  onModuleDestroy(): void {
    this.abort.abort();
  }

  /** Re-read one stream now: the fit endpoint calls it after appending, so its next photo already uses the fit. */
  async refresh(engine: CalibrationEngine, mode: CalibrationMode): Promise<void> {
    const history = await this.events.readStream(calibrationStream(engine, mode));
    const newest = [...history].reverse().find((e): e is RecordedEvent<OcrCalibrationFitted['data']> => e.type === 'OcrCalibrationFitted');
    if (!newest) return;
    const key = `${engine}/${mode}`;
    if ((this.revisions.get(key) ?? -1) > newest.revision) return;
    this.revisions.set(key, newest.revision);
    this.calibrations.set(engine, mode, { id: newest.data.calibrationId, map: newest.data.map });
  }

  private async watch(after: number): Promise<void> {
    try {
      for await (const event of this.log.follow(after, this.abort.signal)) {
        if (event.type !== 'OcrCalibrationFitted') continue;
        const d = event.data as OcrCalibrationFitted['data'];
        await this.refresh(d.engine, d.mode);
      }
    } catch (error) {
      if (!this.abort.signal.aborted) this.logger.error(`OCR calibration watch stopped; calibrations stay as they are until a restart: ${message(error)}`);
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option } from 'nest-commander';
import { userInfo } from 'node:os';
import { CalibrationFittingService } from '../commands/ocr-calibration/calibration-fitting.service';
import { fitAnswer } from '../commands/ocr-calibration/ocr-calibration.controller';
import { CALIBRATION_ENGINES, CALIBRATION_MODES, CalibrationEngine, CalibrationMode, isCalibrationEngine, isCalibrationMode } from '../domain/ocr-calibration/ocr-calibration.events';
import { EVENT_STORE, EventStore } from '../ports/event-store.port';
import { OCR_CALIBRATION_ANSWERS, OcrCalibrationAnswers } from '../ports/ocr-calibration-answers.port';
import { READ_STORE, ReadStore } from '../ports/read-store.port';
import { ProjectionRunner } from '../runtime/projection-runner';
import { fail, jsonLine } from './output';
import { withCurrentReadModels } from './read-models-current';

@Command({ name: 'ocr:calibrate', description: "fit an engine and mode's OCR calibration from the flywheel's labels (pooled with the development set) and record it" })
export class OcrCalibrateCommand extends CommandRunner {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly fitting: CalibrationFittingService,
    @Inject(OCR_CALIBRATION_ANSWERS) private readonly answers: OcrCalibrationAnswers,
  ) {
    super();
  }

  async run(_args: string[], options: { engine?: CalibrationEngine; mode?: CalibrationMode }): Promise<void> {
    const { engine, mode } = options;
    if (!engine || !mode) fail('--engine and --mode are required', 2);
    const result = await withCurrentReadModels(this.runner, this.events, this.reads, () => this.fitting.fit(engine, mode, `cli:${userInfo().username}`));
    jsonLine(fitAnswer(this.answers, result));
  }

  @Option({ flags: '--engine <engine>', description: `one of ${CALIBRATION_ENGINES.join(', ')}` })
  parseEngine(value: string): CalibrationEngine {
    if (!isCalibrationEngine(value)) fail(`--engine must be one of ${CALIBRATION_ENGINES.join(', ')}`, 2);
    return value;
  }

  @Option({ flags: '--mode <mode>', description: `one of ${CALIBRATION_MODES.join(', ')}` })
  parseMode(value: string): CalibrationMode {
    if (!isCalibrationMode(value)) fail(`--mode must be one of ${CALIBRATION_MODES.join(', ')}`, 2);
    return value;
  }
}

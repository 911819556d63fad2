import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CALIBRATION_ENGINES, CALIBRATION_MODES, CalibrationEngine, CalibrationMode } from '../../domain/ocr-calibration/ocr-calibration.events';
import { NotFoundError } from '../../domain/shared/errors';
import { isValidId } from '../../domain/shared/ids';
import { Roles } from '../../http/access';
import { ListQuery, listAnswer } from '../../http/conventions';
import { Filter, READ_STORE, ReadStore } from '../../ports/read-store.port';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { calibrationAnswer } from './ocr-calibration-answers';
import { CalibrationDoc, CurrentCalibrationDoc, OCR_CALIBRATIONS_COLLECTION, OCR_CALIBRATIONS_CURRENT_COLLECTION, currentKey } from './ocr-calibrations.projection';

class CalibrationListQuery extends ListQuery {
  @ApiPropertyOptional({ enum: CALIBRATION_ENGINES })
  @IsOptional()
  @IsIn(CALIBRATION_ENGINES as unknown as string[])
  engine?: CalibrationEngine;

  @ApiPropertyOptional({ enum: CALIBRATION_MODES })
  @IsOptional()
  @IsIn(CALIBRATION_MODES as unknown as string[])
  mode?: CalibrationMode;
}

/** Read side of the OCR calibrations: platform-wide (engine behaviour), for ML engineers, ops and auditors. */
@ApiTags('ocr-calibration')
@ApiBearerAuth()
@Controller('api/v2/ocr/calibrations')
@Roles('ml_engineer', 'ops', 'auditor')
export class OcrCalibrationsController {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  /** The calibration in force per engine and mode, and the history newest first (paged). */
  @Get()
  async list(@Query() query: CalibrationListQuery) {
    const [history, currentCollection] = await Promise.all([this.runner.catalog.collection(OCR_CALIBRATIONS_COLLECTION), this.runner.catalog.collection(OCR_CALIBRATIONS_CURRENT_COLLECTION)]);
    const filter: Filter = { ...(query.engine ? { engine: query.engine } : {}), ...(query.mode ? { mode: query.mode } : {}) };
    const pointers = (await this.store.find<CurrentCalibrationDoc>(currentCollection, { filter, limit: 100 })).items;
    const inForce = new Set(pointers.map((p) => p.calibration_id));
    const current = await this.store.getMany<CalibrationDoc>(history, [...inForce]);
    const page = await this.store.find<CalibrationDoc>(history, { filter, sort: [['position', -1]], limit: query.limit ?? 50, cursor: query.cursor ?? null });
    return {
      current: [...current.values()].sort((a, b) => `${a.engine}_${a.mode}`.localeCompare(`${b.engine}_${b.mode}`)).map((doc) => calibrationAnswer(doc, true)),
      ...listAnswer(page, (doc) => calibrationAnswer(doc, inForce.has(doc.calibration_id))),
    };
  }

  @Get(':id')
  async one(@Param('id') id: string) {
    if (!isValidId(id)) throw new NotFoundError(`calibration ${id} not found`);
    const doc = await this.store.get<CalibrationDoc>(await this.runner.catalog.collection(OCR_CALIBRATIONS_COLLECTION), id);
    if (!doc) throw new NotFoundError(`calibration ${id} not found`, { calibration_id: id });
    const pointer = await this.store.get<CurrentCalibrationDoc>(await this.runner.catalog.collection(OCR_CALIBRATIONS_CURRENT_COLLECTION), currentKey(doc.engine, doc.mode));
    return calibrationAnswer(doc, pointer?.calibration_id === doc.calibration_id);
  }
}

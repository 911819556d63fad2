import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { OcrSettingsController } from '../commands/ocr-settings/ocr-settings.controller';
import { ReadingChecks } from '../commands/ocr-settings/reading-checks.service';
import { READING_HISTORY_QUERY } from '../ports/reading-history.query';
import { ReadingHistoryQuery } from '../projections/readings/reading-history.query';

/** Feature module: per-tenant plate formats and asset counters, and the checks they drive at capture. */
@Module({
  imports: [CqrsModule],
  controllers: [OcrSettingsController],
  providers: [ReadingChecks, ReadingHistoryQuery, { provide: READING_HISTORY_QUERY, useExisting: ReadingHistoryQuery }],
  exports: [ReadingChecks],
})
export class OcrSettingsModule {}

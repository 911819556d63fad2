import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { OcrSettingsController } from '../commands/ocr-settings/ocr-settings.controller';
import { ReadingChecks } from '../commands/ocr-settings/reading-checks.service';

/** Feature module: per-tenant plate formats and asset counters, and the checks they drive at capture. */
@Module({ imports: [CqrsModule], controllers: [OcrSettingsController], providers: [ReadingChecks], exports: [ReadingChecks] })
export class OcrSettingsModule {}

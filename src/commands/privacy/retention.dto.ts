import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_RETENTION_DAYS } from '../../domain/privacy/retention';

export class RetentionSettingsDto {
  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: MAX_RETENTION_DAYS, example: 60, description: "Days an entry's photo is kept; null or omitted: the default (RETENTION_DAYS_PHOTOS)" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RETENTION_DAYS)
  photos_days?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: MAX_RETENTION_DAYS, example: 365, description: 'Days a plate is kept after it was last seen; null or omitted: the default (RETENTION_DAYS_PLATES)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RETENTION_DAYS)
  plates_days?: number | null;
}

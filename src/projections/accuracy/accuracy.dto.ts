import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN, MODEL_TYPE_PATTERN, POSITION_PATTERN } from '../../http/patterns';

export class AccuracyQuery {
  @ApiPropertyOptional({ default: 'conflict_predictor' }) @IsOptional() @Matches(MODEL_TYPE_PATTERN, { message: 'model_type must be a model type name' }) model_type?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(ID_PATTERN, ID_MESSAGE('model_version')) model_version?: string;
  @ApiPropertyOptional({ default: 7, maximum: 90 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(90) window_days?: number;
  @ApiPropertyOptional() @IsOptional() @Matches(POSITION_PATTERN, { message: 'min_position must be a string of digits' }) min_position?: string;
}

export class DailyAccuracyQuery {
  @ApiPropertyOptional({ default: 'conflict_predictor' }) @IsOptional() @Matches(MODEL_TYPE_PATTERN, { message: 'model_type must be a model type name' }) model_type?: string;
  @ApiPropertyOptional({ default: 30, maximum: 366 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(366) days?: number;
  @ApiPropertyOptional() @IsOptional() @Matches(POSITION_PATTERN, { message: 'min_position must be a string of digits' }) min_position?: string;
}

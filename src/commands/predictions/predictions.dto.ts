import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ListQuery } from '../../http/conventions';
import { FIELD_PATTERN, ID_PATTERN } from '../sync/sync.dto';

const ID_MESSAGE = (field: string) => ({ message: `${field} must be 1-128 characters of letters, digits, _ . : - (starting with a letter or digit)` });

export class PredictConflictDto {
  @ApiProperty() @Matches(ID_PATTERN, ID_MESSAGE('entity_type')) entity_type!: string;
  @ApiProperty() @Matches(ID_PATTERN, ID_MESSAGE('entity_id')) entity_id!: string;
  @ApiProperty() @Matches(ID_PATTERN, ID_MESSAGE('device_id')) device_id!: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Matches(FIELD_PATTERN, { each: true, message: 'each field must be 1-128 characters of letters, digits, _ . : / -' })
  fields?: string[];

  @ApiPropertyOptional({ description: 'the sync the client is about to make; without it the next sync of the entity within 24 h is matched' })
  @IsOptional()
  @Matches(ID_PATTERN, ID_MESSAGE('sync_id'))
  sync_id?: string;
}

export class PredictQuery {
  @ApiPropertyOptional({ description: 'wait until the feature history has applied this log position' })
  @IsOptional()
  @Matches(/^\d{1,16}$/, { message: 'min_position must be a string of digits' })
  min_position?: string;
}

const MODEL_TYPE = /^[a-z][a-z0-9_]{0,63}$/;

export class PredictionsQuery extends ListQuery {
  @ApiPropertyOptional({ default: 'conflict_predictor' }) @IsOptional() @Matches(MODEL_TYPE, { message: 'model_type must be a model type name' }) model_type?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(ID_PATTERN, ID_MESSAGE('model_version')) model_version?: string;
  @ApiPropertyOptional({ enum: ['pending', 'correct', 'incorrect'] }) @IsOptional() @IsIn(['pending', 'correct', 'incorrect']) outcome?: 'pending' | 'correct' | 'incorrect';
  @ApiPropertyOptional() @IsOptional() @Matches(ID_PATTERN, ID_MESSAGE('user_id')) user_id?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(ID_PATTERN, ID_MESSAGE('entity_id')) entity_id?: string;
}

export class AccuracyQuery {
  @ApiPropertyOptional({ default: 'conflict_predictor' }) @IsOptional() @Matches(MODEL_TYPE, { message: 'model_type must be a model type name' }) model_type?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(ID_PATTERN, ID_MESSAGE('model_version')) model_version?: string;
  @ApiPropertyOptional({ default: 7, maximum: 90 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(90) window_days?: number;
  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,16}$/, { message: 'min_position must be a string of digits' }) min_position?: string;
}

export class DailyAccuracyQuery {
  @ApiPropertyOptional({ default: 'conflict_predictor' }) @IsOptional() @Matches(MODEL_TYPE, { message: 'model_type must be a model type name' }) model_type?: string;
  @ApiPropertyOptional({ default: 30, maximum: 366 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(366) days?: number;
  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,16}$/, { message: 'min_position must be a string of digits' }) min_position?: string;
}

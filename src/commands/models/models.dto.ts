import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MODEL_TYPES } from '../../domain/models/model.events';
import { CURRENT_FEATURE_DEFINITION, FEATURE_DEFINITIONS, FeatureDefinition } from '../../ml/conflict-features';

export class TrainModelDto {
  @ApiProperty({ enum: MODEL_TYPES })
  @IsIn(MODEL_TYPES as unknown as string[])
  model_type!: string;

  @ApiPropertyOptional({ default: 90, minimum: 1, maximum: 365 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(365)
  days_back?: number;
}

export class RegisterModelDto {
  @ApiProperty({ enum: MODEL_TYPES })
  @IsIn(MODEL_TYPES as unknown as string[])
  model_type!: string;

  @ApiPropertyOptional({ enum: FEATURE_DEFINITIONS, default: CURRENT_FEATURE_DEFINITION, description: 'the feature definition the model was trained with; serving feeds it that one' })
  @IsOptional()
  @Type(() => Number)
  @IsIn(FEATURE_DEFINITIONS as unknown as number[], { message: `feature_definition must be one of ${FEATURE_DEFINITIONS.join(', ')}` })
  feature_definition?: FeatureDefinition;
}

/** Optional body of activate / deactivate. */
export class ModelActionDto {
  @ApiPropertyOptional({ enum: MODEL_TYPES, default: 'conflict_predictor' })
  @IsOptional()
  @IsIn(MODEL_TYPES as unknown as string[])
  model_type?: string;

  @ApiPropertyOptional({ description: 'why; recorded in the event' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

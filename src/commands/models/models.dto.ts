import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MODEL_TYPES } from '../../domain/models/model.events';

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

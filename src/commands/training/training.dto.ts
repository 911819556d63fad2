import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, IsBoolean } from 'class-validator';
import { MAX_LABEL_LENGTH } from '../../domain/training/labeling-task.decider';
import { SourceSystem } from '../../domain/training/training-example.events';
import { MAX_BATCH_SIZE } from './active-learning.service';

export class RunActiveLearningDto {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: MAX_BATCH_SIZE })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_BATCH_SIZE)
  batch_size?: number;

  @ApiPropertyOptional({ default: false, description: "true: a top-up batch beside the week's batch (as many per week as asked), on its own stream" })
  @IsOptional()
  @IsBoolean()
  top_up?: boolean;
}

export class SubmitLabelDto {
  @ApiProperty({ description: 'the exact text in the photo', maxLength: MAX_LABEL_LENGTH })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_LABEL_LENGTH)
  @Matches(/\S/, { message: 'label must not be blank' })
  label!: string;
}

export class SkipTaskDto {
  @ApiPropertyOptional({ description: 'why it cannot be labeled (glare, cut off, ...)', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

export class CreateDatasetDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ enum: ['meter_reading', 'vehicle_entry'], description: 'only examples of this source system' })
  @IsOptional()
  @IsIn(['meter_reading', 'vehicle_entry'])
  source_system?: SourceSystem;
}

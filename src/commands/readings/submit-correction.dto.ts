import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { SourceSystem } from '../../domain/training/training-example.events';
import { CorrectionType } from '../../domain/readings/reading.events';

export const SOURCE_TYPES: readonly SourceSystem[] = ['meter_reading', 'vehicle_entry'];
export const CORRECTION_TYPES: readonly CorrectionType[] = ['OCR_ERROR', 'WRONG_READING'];

export class SubmitCorrectionDto {
  @ApiProperty({ enum: SOURCE_TYPES })
  @IsIn(SOURCE_TYPES, { message: `source_type must be one of ${SOURCE_TYPES.join(', ')}` })
  source_type!: SourceSystem;

  @ApiProperty({ description: 'reading_id or entry_id' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, { message: 'source_id must be a reading_id or entry_id' })
  source_id!: string;

  @ApiProperty({ example: '004512.7' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/\S/, { message: 'corrected_text must not be blank' })
  corrected_text!: string;

  @ApiProperty({ enum: CORRECTION_TYPES })
  @IsIn(CORRECTION_TYPES, { message: `correction_type must be one of ${CORRECTION_TYPES.join(', ')}` })
  correction_type!: CorrectionType;
}

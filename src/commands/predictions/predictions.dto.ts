import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches } from 'class-validator';
import { FIELD_PATTERN, ID_MESSAGE, ID_PATTERN, POSITION_PATTERN } from '../../http/patterns';

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
  @Matches(POSITION_PATTERN, { message: 'min_position must be a string of digits' })
  min_position?: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { FEATURE_DEFINITIONS, FeatureDefinition } from '../../ml/conflict-features';
import { RESOLUTION_TYPES, ResolutionType } from '../../domain/sync/sync.events';
import { FIELD_PATTERN, ID_MESSAGE, ID_PATTERN } from '../../http/patterns';

export class RecordSyncDto {
  @ApiPropertyOptional({ description: 'generated when absent; a repeated sync_id with the same content answers as the first time, with different content 409' })
  @IsOptional()
  @Matches(ID_PATTERN, ID_MESSAGE('sync_id'))
  sync_id?: string;

  @ApiProperty({ example: 'meter_reading' })
  @Matches(ID_PATTERN, ID_MESSAGE('entity_type'))
  entity_type!: string;

  @ApiProperty()
  @Matches(ID_PATTERN, ID_MESSAGE('entity_id'))
  entity_id!: string;

  @ApiProperty()
  @Matches(ID_PATTERN, ID_MESSAGE('device_id'))
  device_id!: string;

  @ApiProperty({ type: [String], description: 'names of the fields this sync edited' })
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Matches(FIELD_PATTERN, { each: true, message: 'each field must be 1-128 characters of letters, digits, _ . : / -' })
  fields!: string[];

  @ApiPropertyOptional({ description: 'ISO 8601; defaults to now; may be in the past for back-filled history' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'synced_at must be an ISO 8601 time' })
  synced_at?: string;
}

export class ResolveConflictDto {
  @ApiProperty()
  @Matches(ID_PATTERN, ID_MESSAGE('sync_id'))
  sync_id!: string;

  @ApiProperty({ enum: RESOLUTION_TYPES, example: 'server_wins' })
  @IsIn(RESOLUTION_TYPES as unknown as string[], { message: `resolution_type must be one of ${RESOLUTION_TYPES.join(', ')}` })
  resolution_type!: ResolutionType;

  @ApiPropertyOptional({ type: [String], description: 'the fields the conflict was on; a sync may conflict once per resolution type and set of fields' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Matches(FIELD_PATTERN, { each: true, message: 'each field must be 1-128 characters of letters, digits, _ . : / -' })
  fields?: string[];

  @ApiPropertyOptional({ description: 'makes a retry harmless: the same conflict_id appends nothing' })
  @IsOptional()
  @Matches(ID_PATTERN, ID_MESSAGE('conflict_id'))
  conflict_id?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; when the conflict was resolved; defaults to now, not before the sync' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'resolved_at must be an ISO 8601 time' })
  resolved_at?: string;
}

export class FeaturesQuery {
  @ApiProperty() @Matches(ID_PATTERN, ID_MESSAGE('entity_type')) entity_type!: string;
  @ApiProperty() @Matches(ID_PATTERN, ID_MESSAGE('entity_id')) entity_id!: string;
  @ApiPropertyOptional({ description: "defaults to the caller's own id" }) @IsOptional() @Matches(ID_PATTERN, ID_MESSAGE('user_id')) user_id?: string;
  @ApiPropertyOptional({ description: 'comma-separated field names' })
  @IsOptional()
  @MaxLength(8192)
  @Matches(/^[A-Za-z0-9_.:/,-]*$/, { message: 'fields must be comma-separated field names' })
  fields?: string;
  @ApiPropertyOptional({ description: 'ISO 8601; defaults to now' }) @IsOptional() @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 time' }) at?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,16}$/, { message: 'min_position must be a string of digits' }) min_position?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() sync_id?: string;
  @ApiPropertyOptional({ enum: FEATURE_DEFINITIONS, description: 'feature definition version; defaults to the current one' })
  @IsOptional()
  @Type(() => Number)
  @IsIn(FEATURE_DEFINITIONS as unknown as number[], { message: `definition must be one of ${FEATURE_DEFINITIONS.join(', ')}` })
  definition?: FeatureDefinition;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

export class RequestErasureDto {
  @ApiPropertyOptional({ description: 'the plate as read or written; one of plate or subject_id' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @Matches(/[A-Za-z0-9]/, { message: 'plate must hold at least one letter or digit' })
  plate?: string;

  @ApiPropertyOptional({ description: 'a subject_id given by an earlier erasure or export' })
  @IsOptional()
  @IsUUID()
  subject_id?: string;

  @ApiProperty({ example: 'request of the data subject, ticket 1234' })
  @IsString()
  @MaxLength(500)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason!: string;
}

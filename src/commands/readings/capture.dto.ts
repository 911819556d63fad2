import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const ID_RULE = 'must be 1-128 letters, digits, "_", ".", ":" or "-", starting with a letter or digit';

/** Multipart text fields of a meter reading upload; the file travels as `photo` (see photoBody). */
export class RecordMeterReadingDto {
  @ApiProperty({ example: 'meter-0042' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @Matches(ID, { message: `asset_id ${ID_RULE}` })
  asset_id!: string;
}

export class RecordVehicleEntryDto {
  @ApiProperty({ example: 'gate-north' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @Matches(ID, { message: `gate_id ${ID_RULE}` })
  gate_id!: string;
}

/** Swagger description of the multipart bodies: the text fields plus the `photo` file. */
export function photoBody(field: 'asset_id' | 'gate_id') {
  return {
    schema: {
      type: 'object' as const,
      required: ['photo', field],
      properties: { photo: { type: 'string' as const, format: 'binary', description: 'PNG or JPEG' }, [field]: { type: 'string' as const } },
    },
  };
}

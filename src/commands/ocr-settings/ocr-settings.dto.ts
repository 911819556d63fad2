import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsString, Max, Min } from 'class-validator';

export class PlateFormatsDto {
  @ApiProperty({ type: [String], example: ['BR', 'LLDDLLDDDD'], description: 'Country codes (BR, AR, MERCOSUR, IN, UK, EU, US) or L/D patterns of 2-10 characters' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  formats!: string[];
}

export class CounterDto {
  @ApiProperty({ minimum: 1, maximum: 10, description: 'Digits the counter shows, decimals included' })
  @IsInt()
  @Min(1)
  @Max(10)
  digits!: number;

  @ApiProperty({ minimum: 0, maximum: 4 })
  @IsInt()
  @Min(0)
  @Max(4)
  decimals!: number;
}

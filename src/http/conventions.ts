import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ValidationError } from '../domain/shared/errors';
import { Page } from '../ports/read-store.port';

/** `limit`, `cursor` and `min_position`, accepted by every list endpoint. */
export class ListQuery {
  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a cursor returned by a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ description: 'wait until read models have applied this log position' })
  @IsOptional()
  @Matches(/^\d{1,16}$/, { message: 'min_position must be a string of digits' })
  min_position?: string;
}

export interface ListAnswer<T> {
  items: T[];
  next_cursor: string | null;
}

export function listAnswer<D, T>(page: Page<D>, map: (doc: D) => T): ListAnswer<T> {
  return { items: page.items.map(map), next_cursor: page.nextCursor };
}

/** Log positions travel as strings of digits. */
export function positionString(position: number): string {
  return String(position);
}

export function parseMinPosition(raw: unknown): number | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string' || !/^\d{1,16}$/.test(raw)) throw new ValidationError('min_position must be a string of digits', { fields: { min_position: ['must be a string of digits'] } });
  return Number(raw);
}

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

/** `trainFrom` → `train_from`, `holdoutRowsBlobHash` → `holdout_rows_blob_hash`; snake_case stays as it is. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

/**
 * The wire is snake_case at every depth: an answer built from domain values (camelCase) goes
 * through this once, at the boundary. Plain objects and arrays are copied with their keys renamed;
 * everything else (strings, numbers, null, dates) passes as it is. Not for audit events, which are
 * answered exactly as stored, nor for maps keyed by data values (none on the wire today).
 */
export type Wire<T> = T extends readonly (infer U)[] ? Wire<U>[] : T extends Date ? T : T extends object ? { [K in keyof T as K extends string ? SnakeCase<K> : K]: Wire<T[K]> } : T;
type SnakeCase<S extends string> = S extends `${infer H}${infer R}` ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${SnakeCase<R>}` : S;

export function toWire<T>(value: T): Wire<T> {
  return wire(value) as Wire<T>;
}

function wire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(wire);
  if (value === null || typeof value !== 'object') return value;
  // A plain object is one whose prototype is an Object.prototype (of any realm: values cloned from a
  // worker thread carry another one) or null; dates, buffers and other class instances pass as they are.
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) out[snakeCase(key)] = wire(child);
  return out;
}

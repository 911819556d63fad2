import { InvalidCursorError } from '../../domain/shared/errors';
import { FieldCondition, Filter, Scalar, SortSpec, decodeCursor } from '../../ports/read-store.port';

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Builds parameterised SQL over `doc jsonb`; `params` grows as placeholders are handed out. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
  json(value: Scalar): string {
    return `${this.add(JSON.stringify(value))}::jsonb`;
  }
}

/** The jsonb value at a dotted path; the same expression is indexed by ensureIndex. */
export function fieldExpr(path: string): string {
  if (path === 'id') return 'to_jsonb(id)';
  if (!FIELD.test(path)) throw new Error(`invalid field name: ${path}`);
  const parts = path.split('.');
  return parts.length === 1 ? `(doc -> '${parts[0]}')` : `(doc #> '{${parts.join(',')}}')`;
}

/** A missing field and a JSON null are the same "no value", sorted lowest (as in SQLite and MongoDB). */
function sortExpr(path: string): string {
  return path === 'id' ? 'id' : `NULLIF(${fieldExpr(path)}, 'null'::jsonb)`;
}

function condition(path: string, cond: FieldCondition, p: SqlParams): string {
  const f = path === 'id' ? 'id' : fieldExpr(path);
  const value = (v: Scalar) => (path === 'id' ? p.add(v) : p.json(v));
  const isNull = path === 'id' ? 'id IS NULL' : `(${f} IS NULL OR ${f} = 'null'::jsonb)`;
  if (cond === null) return isNull;
  if (typeof cond !== 'object') return `${f} = ${value(cond)}`;
  if ('$in' in cond) return cond.$in.length === 0 ? 'false' : `${f} IN (${cond.$in.map(value).join(', ')})`;
  const parts: string[] = [];
  const ops: [keyof typeof cond, string][] = [['$gt', '>'], ['$gte', '>='], ['$lt', '<'], ['$lte', '<=']];
  for (const [key, op] of ops) {
    const v = cond[key];
    if (v !== undefined && v !== null) parts.push(`${f} ${op} ${value(v)}`);
  }
  if (cond.$ne !== undefined) parts.push(cond.$ne === null ? `NOT ${isNull}` : `(${isNull} OR ${f} <> ${value(cond.$ne)})`);
  return parts.length ? parts.join(' AND ') : 'true';
}

export function whereParts(filter: Filter | undefined, p: SqlParams): string[] {
  return Object.entries(filter ?? {}).map(([path, cond]) => condition(path, cond, p));
}

export function fullSort(sort: SortSpec | undefined): [string, 1 | -1][] {
  return [...(sort ?? []).filter(([f]) => f !== 'id').map(([f, d]) => [f, d] as [string, 1 | -1]), ['id', 1]];
}

export function orderBy(sort: readonly [string, 1 | -1][]): string {
  return sort.map(([f, d]) => (f === 'id' ? `id COLLATE "C" ${d === 1 ? 'ASC' : 'DESC'}` : `${sortExpr(f)} ${d === 1 ? 'ASC NULLS FIRST' : 'DESC NULLS LAST'}`)).join(', ');
}

/**
 * Keyset condition "strictly after the cursor in the sort order". A document without a sort field
 * sorts lowest, so it is neither lost nor visited twice when a page ends on or before it.
 */
export function afterCursor(cursor: string, sort: readonly [string, 1 | -1][], p: SqlParams): string {
  const values = decodeCursor(cursor);
  if (!values || values.length !== sort.length) throw new InvalidCursorError();
  const ors: string[] = [];
  for (let i = 0; i < sort.length; i++) {
    const ands: string[] = [];
    for (let j = 0; j < i; j++) ands.push(equal(sort[j][0], values[j], p));
    const gt = greater(sort[i][0], sort[i][1], values[i], p);
    if (gt === null) continue;
    ands.push(gt);
    ors.push(`(${ands.join(' AND ')})`);
  }
  if (!ors.length) return 'false';
  // The same rows, with a plain range on the first sort field an index can seek to (an OR of
  // keyset terms alone makes each page of an ascending walk scan from the start).
  const [first, direction] = sort[0];
  if (direction === 1 && values[0] !== null && values[0] !== undefined) {
    const from = first === 'id' ? `id COLLATE "C" >= ${p.add(String(values[0]))}` : `${sortExpr(first)} >= ${p.json(values[0] as Scalar)}`;
    return `(${ors.join(' OR ')}) AND ${from}`;
  }
  return `(${ors.join(' OR ')})`;
}

function equal(path: string, value: unknown, p: SqlParams): string {
  if (path === 'id') return `id = ${p.add(String(value))}`;
  return value === null || value === undefined ? `${sortExpr(path)} IS NULL` : `${sortExpr(path)} = ${p.json(value as Scalar)}`;
}

function greater(path: string, direction: 1 | -1, value: unknown, p: SqlParams): string | null {
  if (path === 'id') return `id COLLATE "C" ${direction === 1 ? '>' : '<'} ${p.add(String(value))}`;
  const f = sortExpr(path);
  if (value === null || value === undefined) return direction === 1 ? `${f} IS NOT NULL` : null;
  return direction === 1 ? `${f} > ${p.json(value as Scalar)}` : `(${f} < ${p.json(value as Scalar)} OR ${f} IS NULL)`;
}

import { FieldCondition, LAST_POSITION_FIELD, Filter, Scalar } from '../../ports/read-store.port';

/*
 * The SQL the SQLite read store builds: collection and field names checked and mapped to a table
 * and json_extract(), filters as WHERE clauses, keyset pagination, the last-position guard.
 */

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const COLLECTION = /^[A-Za-z0-9_]+$/;

export type Param = string | number | null;

export function table(collection: string): string {
  if (!COLLECTION.test(collection)) throw new Error(`invalid collection name: ${collection}`);
  return `rm_${collection}`;
}

export function field(path: string): string {
  if (path === 'id') return 'id';
  if (!FIELD.test(path)) throw new Error(`invalid field name: ${path}`);
  return `json_extract(doc, '$.${path}')`;
}

export function param(value: Scalar): Param {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

function condition(path: string, cond: FieldCondition, params: Param[]): string {
  const f = field(path);
  if (cond === null) return `${f} IS NULL`;
  if (typeof cond !== 'object') {
    params.push(param(cond));
    return `${f} = ?`;
  }
  if ('$in' in cond) {
    if (cond.$in.length === 0) return '0';
    params.push(...cond.$in.map(param));
    return `${f} IN (${cond.$in.map(() => '?').join(',')})`;
  }
  const parts: string[] = [];
  const ops: [keyof typeof cond, string][] = [['$gt', '>'], ['$gte', '>='], ['$lt', '<'], ['$lte', '<=']];
  for (const [key, op] of ops) {
    const v = cond[key];
    if (v !== undefined) {
      params.push(param(v));
      parts.push(`${f} ${op} ?`);
    }
  }
  if (cond.$ne !== undefined) {
    if (cond.$ne === null) parts.push(`${f} IS NOT NULL`);
    else {
      params.push(param(cond.$ne));
      parts.push(`(${f} IS NULL OR ${f} != ?)`);
    }
  }
  return parts.length ? parts.join(' AND ') : '1';
}

export function whereClause(filter: Filter | undefined, params: Param[]): string[] {
  return Object.entries(filter ?? {}).map(([path, cond]) => condition(path, cond, params));
}

/** The last-position guard: a document carrying a position replaces only an older stored one. */
export const NOT_OLDER = `json_extract(excluded.doc, '$.${LAST_POSITION_FIELD}') IS NULL OR json_extract(doc, '$.${LAST_POSITION_FIELD}') IS NULL
  OR json_extract(doc, '$.${LAST_POSITION_FIELD}') < json_extract(excluded.doc, '$.${LAST_POSITION_FIELD}')`;

/**
 * Keyset pagination: (a, b, id) strictly after the cursor in the sort order. A missing value
 * (NULL) sorts lowest, so `> NULL` alone would drop every document that lacks the field.
 */
export function afterCursor(sort: readonly (readonly [string, 1 | -1])[], values: readonly Param[], params: Param[]): string {
  const ors: string[] = [];
  for (let i = 0; i < sort.length; i++) {
    const [path, direction] = sort[i];
    const f = field(path);
    const v = values[i];
    if (v === null && direction === -1) continue; // nothing sorts below "no value"
    const ands: string[] = [];
    for (let j = 0; j < i; j++) {
      if (values[j] === null) ands.push(`${field(sort[j][0])} IS NULL`);
      else {
        ands.push(`${field(sort[j][0])} = ?`);
        params.push(values[j]);
      }
    }
    if (v === null) ands.push(`${f} IS NOT NULL`);
    else {
      ands.push(direction === 1 ? `${f} > ?` : `(${f} < ? OR ${f} IS NULL)`);
      params.push(v);
    }
    ors.push(`(${ands.join(' AND ')})`);
  }
  if (!ors.length) return '0';
  // The same rows, with a plain range on the first sort field the planner can seek an index to:
  // without it each page of an ascending walk scans from the index's start (quadratic in pages).
  const [first, firstDirection] = sort[0];
  if (firstDirection === 1 && values[0] !== null) {
    params.push(values[0]);
    return `(${ors.join(' OR ')}) AND ${field(first)} >= ?`;
  }
  return `(${ors.join(' OR ')})`;
}

export function normalise(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value ?? null;
}

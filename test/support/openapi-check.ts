/**
 * Holds a real answer to what the served OpenAPI document declares for its operation: the e2e
 * helpers call it on every response they receive (test/support/wire.ts).
 *
 * - The operation is found by method and path template (`/api/v2/ml/models/{version}`; a literal
 *   segment wins over a parameter, so `/ml/models/active` is not `{version}`).
 * - The status must be one the operation declares (a success or one of its error codes). A path no
 *   operation matches may only answer 404, with the Error body.
 * - A JSON body is validated against the declared schema: types, `nullable`, `enum`, `format:
 *   date-time`, `pattern`, every required field present and no undeclared one. An object without
 *   `additionalProperties` is closed here (stricter than JSON Schema's default): the document must
 *   name every field a client can receive. Maps and audit events' stored `data` and `metadata`
 *   say `additionalProperties` explicitly.
 */

export interface SchemaNode {
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  nullable?: boolean;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  allOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  $ref?: string;
}

interface ResponseObject {
  content?: Record<string, { schema?: SchemaNode }>;
}

interface OperationObject {
  responses?: Record<string, ResponseObject>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, SchemaNode> };
}

/** Where an answer came from and what it was. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: unknown;
  readonly contentType?: string | null;
}

/** The operation template matching `path` (query string ignored), or null. */
export function findOperation(doc: OpenApiDocument, method: string, path: string): { template: string; operation: OperationObject } | null {
  const pathname = new URL(path, 'http://check.local').pathname.replace(/\/+$/, '') || '/';
  const segments = pathname.split('/');
  let best: { template: string; operation: OperationObject; literals: number } | null = null;
  for (const [template, item] of Object.entries(doc.paths)) {
    const operation = item[method.toLowerCase()];
    if (!operation) continue;
    const parts = template.split('/');
    if (parts.length !== segments.length) continue;
    let literals = 0;
    const fits = parts.every((part, i) => {
      if (/^\{[^}]+\}$/.test(part)) return segments[i].length > 0;
      if (part === segments[i]) {
        literals++;
        return true;
      }
      return false;
    });
    if (fits && (!best || literals > best.literals)) best = { template, operation, literals };
  }
  return best ? { template: best.template, operation: best.operation } : null;
}

/** Every way `value` differs from `schema`, as `at: what` lines; empty when it conforms. */
export function schemaErrors(doc: OpenApiDocument, schema: SchemaNode, value: unknown, at = '$'): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    if (!target) return [`${at}: schema ${schema.$ref} is not in the document`];
    return schemaErrors(doc, target, value, at);
  }
  if (value === null) return schema.nullable ? [] : [`${at}: null, but the schema does not allow null`];
  if (schema.allOf) return schema.allOf.flatMap((s) => schemaErrors(doc, s, value, at));
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) {
    const results = alternatives.map((s) => schemaErrors(doc, s, value, at));
    const fits = results.filter((r) => r.length === 0).length;
    if (fits === 0) return [`${at}: matches none of ${alternatives.length} alternatives (${results.map((r) => r[0]).join(' | ')})`];
    if (schema.oneOf && fits > 1) return [`${at}: matches ${fits} of the oneOf alternatives`];
    return [];
  }
  const errors: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return [...errors, `${at}: expected a string, got ${describe(value)}`];
      if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) errors.push(`${at}: "${value}" is not a date-time`);
      if (schema.pattern && !new RegExp(schema.pattern).test(value)) errors.push(`${at}: "${value}" does not match ${schema.pattern}`);
      return errors;
    case 'integer':
      return Number.isInteger(value) ? errors : [...errors, `${at}: expected an integer, got ${describe(value)}`];
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? errors : [...errors, `${at}: expected a number, got ${describe(value)}`];
    case 'boolean':
      return typeof value === 'boolean' ? errors : [...errors, `${at}: expected a boolean, got ${describe(value)}`];
    case 'array':
      if (!Array.isArray(value)) return [...errors, `${at}: expected an array, got ${describe(value)}`];
      return schema.items ? [...errors, ...value.flatMap((v, i) => schemaErrors(doc, schema.items as SchemaNode, v, `${at}[${i}]`))] : errors;
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [...errors, `${at}: expected an object, got ${describe(value)}`];
      const record = value as Record<string, unknown>;
      const properties = schema.properties ?? {};
      for (const key of schema.required ?? []) if (!(key in record)) errors.push(`${at}.${key}: required but missing`);
      for (const [key, child] of Object.entries(record)) {
        const declared = properties[key];
        if (declared) errors.push(...schemaErrors(doc, declared, child, `${at}.${key}`));
        else if (typeof schema.additionalProperties === 'object') errors.push(...schemaErrors(doc, schema.additionalProperties, child, `${at}.${key}`));
        else if (schema.additionalProperties !== true) errors.push(`${at}.${key}: not declared by the schema`);
      }
      return errors;
    }
    default:
      return [...errors, `${at}: the schema declares no type`];
  }
}

/** Every way an answer differs from the document; empty when it conforms. */
export function answerErrors(doc: OpenApiDocument, received: Received): string[] {
  const found = findOperation(doc, received.method, received.path);
  // A route the server does not have answers 404 with the one error body, as any error does.
  if (!found && received.status === 404 && doc.components?.schemas?.Error) return schemaErrors(doc, { $ref: '#/components/schemas/Error' }, received.body);
  if (!found) return [`no operation ${received.method.toUpperCase()} matches ${received.path} (answered ${received.status})`];
  const declared = found.operation.responses ?? {};
  const response = declared[String(received.status)];
  if (!response) return [`status ${received.status} is not declared (declared: ${Object.keys(declared).join(', ')})`];
  const json = response.content?.['application/json'];
  if (!json) {
    const media = Object.keys(response.content ?? {});
    const type = (received.contentType ?? '').split(';')[0].trim();
    if (type === 'application/json') return [`status ${received.status} declares no JSON body, but one was answered`];
    if (media.length > 0 && received.contentType !== undefined && !media.includes(type)) return [`status ${received.status} answered ${type || 'no content type'}; declared: ${media.join(', ')}`];
    return [];
  }
  if (!json.schema) return [`status ${received.status} declares a JSON body without a schema`];
  return schemaErrors(doc, json.schema, received.body);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 60)}`;
}

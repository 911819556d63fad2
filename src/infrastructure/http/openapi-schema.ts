/**
 * A small vocabulary for the response schemas of the OpenAPI document (openapi-responses.ts), so a
 * schema reads like the answer it declares. Every object is closed: it lists all its fields,
 * required unless named optional, and `additionalProperties: false`; the e2e suites hold every real
 * answer to it (test/support/openapi-check.ts). Field names are the wire's, snake_case.
 */

export interface Schema {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  format?: string;
  pattern?: string;
  enum?: readonly (string | number | boolean | null)[];
  nullable?: boolean;
  description?: string;
  example?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  $ref?: string;
}

export const str = (example = 'text', description?: string): Schema => ({ type: 'string', example, ...(description ? { description } : {}) });
export const uuid = (example = '0b7f1c9e-6a1d-4a55-9d0e-2f1c3b4a5d6e'): Schema => ({ type: 'string', format: 'uuid', example });
export const int = (example = 0, description?: string): Schema => ({ type: 'integer', example, ...(description ? { description } : {}) });
export const num = (example = 0.5, description?: string): Schema => ({ type: 'number', example, ...(description ? { description } : {}) });
export const bool = (example = true, description?: string): Schema => ({ type: 'boolean', example, ...(description ? { description } : {}) });
export const time = (example = '2026-01-05T03:00:00.000Z'): Schema => ({ type: 'string', format: 'date-time', example });
/** A log position: a string of digits. */
export const position = (example = '42'): Schema => ({ type: 'string', pattern: '^\\d+$', example, description: 'log position (a string of digits)' });
export const oneOfValues = (values: readonly string[], example = values[0]): Schema => ({ type: 'string', enum: [...values], example });
export const arr = (items: Schema, example?: unknown[]): Schema => ({ type: 'array', items, ...(example !== undefined ? { example } : {}) });
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** The same schema, or null. */
export function nullable(schema: Schema): Schema {
  if (schema.$ref) return { allOf: [schema], nullable: true };
  return { ...schema, nullable: true };
}

/** A closed object: every field listed, each required unless named in `optional`. */
export function obj(properties: Record<string, Schema>, optional: readonly string[] = [], description?: string): Schema {
  const required = Object.keys(properties).filter((k) => !optional.includes(k));
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false, ...(description ? { description } : {}) };
}

/** A map keyed by data (feature names, metric names, versions): any key, values of one schema. */
export const map = (values: Schema, example: Record<string, unknown>, description?: string): Schema => ({ type: 'object', additionalProperties: values, example, ...(description ? { description } : {}) });

/** A value shown as stored (an audit event's `data` and `metadata`): any object. */
export const asStored = (description: string, example: Record<string, unknown> = {}): Schema => ({ type: 'object', additionalProperties: true, description, example });

/** A page of a list endpoint. */
export const page = (item: Schema): Schema => obj({ items: arr(item), next_cursor: nullable(str('eyJwIjo0Mn0', 'pass as `cursor` for the next page; null on the last')) });

/** An example built from the schema's own examples (each field's, or the first of an enum). */
export function exampleOf(schema: Schema, components: Record<string, Schema>): unknown {
  if (schema.example !== undefined) return schema.example;
  if (schema.$ref) return exampleOf(components[schema.$ref.split('/').pop() as string], components);
  if (schema.allOf) return exampleOf(schema.allOf[0], components);
  if (schema.oneOf) return exampleOf(schema.oneOf[0], components);
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, exampleOf(v, components)]));
    case 'array':
      return schema.items ? [exampleOf(schema.items, components)] : [];
    case 'string':
      return 'text';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return true;
    default:
      return null;
  }
}

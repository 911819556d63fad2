import { Schema, obj } from '../openapi-schema';
import { MODEL_SCHEMAS } from './model-schemas';
import { BASE_SCHEMAS, RECORD_SCHEMAS } from './record-schemas';

/** Shared schemas, registered under components.schemas and referenced by name (in this order). */
export const COMPONENT_SCHEMAS: Record<string, Schema> = { ...BASE_SCHEMAS, ...MODEL_SCHEMAS, ...RECORD_SCHEMAS };

/** A shared schema with more fields (an answer that adds `stream` and `position` to a version): one closed object. */
export function withFields(name: string, more: Record<string, Schema>): Schema {
  const base = COMPONENT_SCHEMAS[name];
  return { ...obj({ ...base.properties, ...more }, Object.keys(base.properties ?? {}).filter((k) => !(base.required ?? []).includes(k))), description: `${base.description ? `${base.description} ` : ''}With ${Object.keys(more).map((k) => `\`${k}\``).join(', ')}.` };
}

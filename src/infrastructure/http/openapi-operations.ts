import { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_KEY, ROLES_KEY } from '../../http/access';
import { OPERATION_SUMMARIES } from './openapi-summaries';
import { COMPONENT_SCHEMAS, OPERATION_RESPONSES } from './openapi-responses';
import { Schema, exampleOf } from './openapi-schema';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Who may call a handler, read from the same metadata the auth guard enforces. */
export type Access = { readonly public: true } | { readonly public: false; readonly roles: readonly string[] };

type Response = { description: string; content?: Record<string, { schema: Schema; example?: unknown }> };
type Operation = { operationId?: string; summary?: string; description?: string; 'x-roles'?: readonly string[]; requestBody?: unknown; responses?: Record<string, Response> };

/** What each error code means on this API; every error answer has the `Error` body. */
const ERRORS: Readonly<Record<number, { description: string; error: string; message: string }>> = {
  400: { description: 'invalid input: `details.fields` names each input that failed (a body or query field, a path parameter, `Idempotency-Key`)', error: 'Bad Request', message: 'limit must not be greater than 500' },
  401: { description: 'missing, expired or invalid bearer token', error: 'Unauthorized', message: 'missing bearer token' },
  403: { description: 'the token has none of the roles above (or the resource belongs to another tenant)', error: 'Forbidden', message: 'this action needs one of the roles: ops' },
  404: { description: "not found (another tenant's resources answer alike)", error: 'Not Found', message: 'training example 6083801e-c1aa-45b3-a05d-17c8c4c47131 not found' },
  409: { description: 'refused by the current state (another holder, a recorded id with other content, a stale evaluation)', error: 'Conflict', message: 'cannot submit labeling task 3f6c2a9e0d1b4c57: it is claimed by another labeler' },
  413: { description: 'the request body or upload is larger than allowed', error: 'Payload Too Large', message: 'request body or upload is too large' },
  422: { description: 'understood but refused by a rule (an `Idempotency-Key` reused with another request, an unreadable photo, too little data)', error: 'Unprocessable Entity', message: 'Idempotency-Key "k-1" was used with a different request; use a new key for a new request' },
  429: { description: 'rate limited: retry after `Retry-After` seconds', error: 'Too Many Requests', message: 'rate limit exceeded' },
  503: { description: 'not available yet: retry after `Retry-After` seconds (read models behind `min_position`, OCR starting, a store down)', error: 'Service Unavailable', message: 'read models have not yet applied position 42; retry shortly' },
};

/**
 * The errors an operation can answer by its kind, whatever its handler does: the auth guard (401,
 * 403 with roles), the rate limit (429), `min_position` on a GET (400 malformed, 503 not reached in
 * time), `Idempotency-Key` on a command (400 malformed, 422 reused with another request), and the
 * body limits (413). Handler-specific codes are listed per operation in OPERATION_RESPONSES.
 */
export function commonErrors(method: string, op: Operation, access: Access): number[] {
  if (access.public) return [];
  const codes = [401, 429];
  if (access.roles.length > 0) codes.push(403);
  codes.push(400, method === 'get' ? 503 : 422);
  if (op.requestBody) codes.push(413);
  return codes;
}

/**
 * Every operation of the OpenAPI document gets a summary (from OPERATION_SUMMARIES; else its
 * handler's name in words) and its roles (`x-roles`, and in the description), taken from the `@Roles`/`@Public`
 * metadata the guard enforces, so `/api/docs` cannot drift from what the server checks.
 */
export function describeOperations(app: INestApplication, document: OpenAPIObject): void {
  const access = handlerAccess(app);
  const components = (document.components ??= {});
  const schemas = (components.schemas ??= {}) as Record<string, unknown>;
  for (const [name, schema] of Object.entries(COMPONENT_SCHEMAS)) {
    if (name in schemas) throw new Error(`OpenAPI schema ${name} is declared twice`);
    schemas[name] = schema;
  }
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op?.operationId) continue;
      // Swagger numbers a handler served on two paths (`submit[1]`): the handler is the same.
      const id = op.operationId.replace(/\[\d+\]$/, '');
      op.summary ??= OPERATION_SUMMARIES[`${method.toUpperCase()} ${path}`] ?? sentence(id.slice(id.indexOf('_') + 1));
      const who = access.get(id) ?? { public: false, roles: [] };
      const roles = who.public ? ['public'] : who.roles.length > 0 ? [...who.roles] : ['any authenticated user'];
      op['x-roles'] = roles;
      const line = `Roles: ${roles.join(', ')}.`;
      op.description = op.description ? `${op.description}\n\n${line}` : line;
      const answers = OPERATION_RESPONSES[`${method.toUpperCase()} ${path}`];
      if (answers) op.responses = responses(method, op, who, answers.status, answers, COMPONENT_SCHEMAS);
    }
  }
}

function responses(method: string, op: Operation, who: Access, status: number, answers: (typeof OPERATION_RESPONSES)[string], components: Record<string, Schema>): Record<string, Response> {
  const json = (schema: Schema) => ({ 'application/json': { schema, example: exampleOf(schema, components) } });
  const out: Record<string, Response> = {};
  out[status] = answers.schema
    ? { description: answers.description, content: json(answers.schema) }
    : { description: answers.description, content: Object.fromEntries((answers.media ?? []).map((m) => [m, { schema: { type: 'string', format: 'binary' } as Schema }])) };
  for (const [code, other] of Object.entries(answers.also ?? {})) out[code] = { description: other.description, content: json(other.schema) };
  const codes = [...new Set([...commonErrors(method, op, who), ...(answers.errors ?? [])])].sort((a, b) => a - b);
  for (const code of codes) {
    const e = ERRORS[code];
    if (!e) throw new Error(`no description of error ${code}`);
    out[code] = { description: e.description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, example: { status_code: code, error: e.error, message: e.message } } } };
  }
  return out;
}

function handlerAccess(app: INestApplication): Map<string, Access> {
  const out = new Map<string, Access>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!type || typeof type !== 'function') continue;
      const proto = type.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const fn = proto[name];
        if (name === 'constructor' || typeof fn !== 'function') continue;
        const isPublic = Reflect.getMetadata(PUBLIC_KEY, fn) ?? Reflect.getMetadata(PUBLIC_KEY, type);
        const roles = (Reflect.getMetadata(ROLES_KEY, fn) ?? Reflect.getMetadata(ROLES_KEY, type) ?? []) as string[];
        out.set(`${type.name}_${name}`, isPublic === true ? { public: true } : { public: false, roles });
      }
    }
  }
  return out;
}

/** `recordMeterReading` → "Record meter reading". */
function sentence(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

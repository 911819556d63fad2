import { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_KEY, ROLES_KEY } from '../../http/access';
import { OPERATION_SUMMARIES } from './openapi-summaries';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Who may call a handler, read from the same metadata the auth guard enforces. */
export type Access = { readonly public: true } | { readonly public: false; readonly roles: readonly string[] };

type Operation = { operationId?: string; summary?: string; description?: string; 'x-roles'?: readonly string[] };

/**
 * Every operation of the OpenAPI document gets a summary (from OPERATION_SUMMARIES; else its
 * handler's name in words) and its roles (`x-roles`, and in the description), taken from the `@Roles`/`@Public`
 * metadata the guard enforces, so `/api/docs` cannot drift from what the server checks.
 */
export function describeOperations(app: INestApplication, document: OpenAPIObject): void {
  const access = handlerAccess(app);
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
    }
  }
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

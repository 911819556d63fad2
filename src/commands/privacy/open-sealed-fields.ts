import { isSealed } from '../../domain/privacy/sealed';
import { Opened, PersonalDataPort } from '../../ports/personal-data.port';

/**
 * A copy of `value` with every sealed personal field opened with the tenant's keys, at any depth.
 * A field of an erased subject becomes null and the object holding it says `erased: true`. Used by
 * every API answer (the interceptor) and by the CLI's `streams:read` / `events:export`. An answer
 * that carries no sealed field (most of them) is returned as it is, after one synchronous scan.
 */
export async function openSealedFields(personal: PersonalDataPort, tenant: string, value: unknown): Promise<unknown> {
  const sealed = new Set<string>();
  collect(value, sealed);
  if (sealed.size === 0) return value;
  const open = personal.opener(tenant);
  const opened = new Map<string, Opened>(await Promise.all([...sealed].map(async (s) => [s, await open(s)] as const)));
  return rebuild(value, opened);
}

/** Plain objects and arrays are walked; anything else (a Buffer, a Date, a class instance) is a leaf. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === null || proto === Object.prototype;
}

function collect(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, into);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    const field = value[key];
    if (isSealed(field)) into.add(field);
    else if (typeof field === 'object' && field !== null) collect(field, into);
  }
}

function rebuild(value: unknown, opened: ReadonlyMap<string, Opened>): unknown {
  if (Array.isArray(value)) return value.map((v) => rebuild(v, opened));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  let erased = false;
  for (const [key, field] of Object.entries(value)) {
    const found = isSealed(field) ? opened.get(field) : undefined;
    if (found) {
      out[key] = 'text' in found ? found.text : null;
      erased ||= !('text' in found);
    } else {
      out[key] = rebuild(field, opened);
    }
  }
  if (erased) out.erased = true;
  return out;
}

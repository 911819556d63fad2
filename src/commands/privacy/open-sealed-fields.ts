import { isSealed } from '../../domain/privacy/sealed';
import { Opened, PersonalDataPort } from '../../ports/personal-data.port';

/**
 * A copy of `value` with every sealed personal field opened with the tenant's keys, at any depth.
 * A field of an erased subject becomes null and the object holding it says `erased: true`. Used by
 * every API answer (the interceptor) and by the CLI's `streams:read` / `events:export`.
 */
export function openSealedFields(personal: PersonalDataPort, tenant: string, value: unknown): Promise<unknown> {
  return walk(personal.opener(tenant), value);
}

async function walk(open: (value: string) => Promise<Opened>, value: unknown): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => walk(open, v)));
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || value instanceof Date) return value;
  if (Object.getPrototypeOf(value) && Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  let erased = false;
  for (const [key, field] of Object.entries(value)) {
    if (isSealed(field)) {
      const opened = await open(field);
      out[key] = 'text' in opened ? opened.text : null;
      erased ||= !('text' in opened);
    } else {
      out[key] = await walk(open, field);
    }
  }
  if (erased) out.erased = true;
  return out;
}

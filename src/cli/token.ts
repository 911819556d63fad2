import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AppConfig } from '../config';
import { JwtService, ROLES, Role, SUBJECT_PATTERN, isTokenTenant } from '../infrastructure/auth/jwt';
import { EXIT, fail } from './output';

export const TOKEN_USAGE = 'npm run token -- --tenant <tenant> [--sub u1] [--roles guard,labeler] [--expires-in 43200]';

/**
 * `npm run token`: runs without opening any store, so minting a token never creates a data
 * directory, and with no secret to be found it says where it looked instead of inventing one
 * (a token signed with a secret the server does not have fails later as "bad signature").
 */
export function runToken(argv: readonly string[], config: AppConfig): void {
  let values: { tenant?: string; sub?: string; roles?: string; 'expires-in'?: string };
  try {
    ({ values } = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: { tenant: { type: 'string' }, sub: { type: 'string' }, roles: { type: 'string' }, 'expires-in': { type: 'string' } } }));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}; usage: ${TOKEN_USAGE}`, EXIT.usage);
  }
  if (!values.tenant) fail(`--tenant is required; usage: ${TOKEN_USAGE}`, EXIT.usage);
  // The server refuses such tokens (401): say so now rather than print one that never works.
  if (!isTokenTenant(values.tenant)) fail('--tenant must be lower-case letters, digits and inner hyphens (and not "platform")', EXIT.usage);
  if (!SUBJECT_PATTERN.test(values.sub ?? 'u1')) fail('--sub must be letters, digits and _ . @ - (up to 128)', EXIT.usage);
  const roles = (values.roles ?? 'guard').split(',').map((r) => r.trim()).filter(Boolean);
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length) fail(`unknown role(s) ${unknown.join(', ')}; roles are ${ROLES.join(', ')}`, EXIT.usage);
  const expires = values['expires-in'] === undefined ? 12 * 3600 : Number(values['expires-in']);
  if (!Number.isInteger(expires) || expires <= 0) fail('--expires-in must be a positive integer of seconds', EXIT.usage);
  const secret = findJwtSecret(config);
  if (!secret) {
    fail(
      `no JWT secret found: JWT_SECRET is not set (environment or .env) and DATA_DIR (${config.dataDir}) holds no jwt-secret; set JWT_SECRET or DATA_DIR to what the server uses`,
      EXIT.usage,
    );
  }
  const token = new JwtService(secret).sign({ tenant: values.tenant, sub: values.sub ?? 'u1', roles: roles as Role[] }, { expiresInSeconds: expires });
  process.stdout.write(`${token}\n`);
}

/** The server's secret: JWT_SECRET, else the one it generated in DATA_DIR. Never creates one. */
function findJwtSecret(config: AppConfig): string | null {
  if (config.jwtSecret) return config.jwtSecret;
  const file = join(config.dataDir, 'jwt-secret');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || null : null;
}

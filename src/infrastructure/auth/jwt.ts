import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UnauthenticatedError } from '../../domain/shared/errors';
import { Principal, ROLES, Role } from '../../domain/shared/principal';
import { ensurePrivateDir } from '../private-files';

// Re-exported for code that still imports them from here; new code imports domain/shared/principal.
export { ROLES } from '../../domain/shared/principal';
export type { Principal, Role } from '../../domain/shared/principal';

export interface TokenClaims extends Principal {
  readonly exp: number;
  readonly nbf?: number;
  readonly iat?: number;
}

const b64 = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

/**
 * Tenants: lower-case letters, digits and inner hyphens. No `:`, `_`, `/` or `.`, the separators of
 * stream names, entity keys and derived ids, so no tenant name can spell a part of another's.
 */
export const TENANT_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
/** Subjects (user ids): letters, digits and `_ . @ -` (emails fit); never `:` or `/`. */
export const SUBJECT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$/;
/** The tenant name the platform's own (CLI, system) events use: no token may claim it. */
export const PLATFORM_TENANT = 'platform';

export function isTokenTenant(tenant: unknown): tenant is string {
  return typeof tenant === 'string' && TENANT_PATTERN.test(tenant) && tenant !== PLATFORM_TENANT;
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Tokens whose signature and claims were checked, kept so a client's next request skips both. */
const VERIFIED_CACHE = 10_000;

interface Verified {
  readonly principal: Principal;
  readonly exp: number;
  readonly nbf: number | undefined;
}

/**
 * HS256 only. The header's `alg` must be exactly HS256: `none` and any other algorithm are
 * rejected before the signature is looked at, so no token chooses how it is checked.
 */
export class JwtService {
  /**
   * Token text → what it was verified to carry. A client sends one token with every request, so a
   * hit skips the HMAC and the JSON parsing; only the exact bytes once verified hit (a changed
   * signature or claim is another key), the time claims are checked on every use, and only tokens
   * that passed are kept (a flood of forged tokens cannot fill it). Least recently used go first.
   */
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly secret: string,
    private readonly clockSkewSeconds = 30,
  ) {}

  sign(principal: Principal, options: { expiresInSeconds?: number; nowSeconds?: number; nbf?: number } = {}): string {
    const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
    const claims: TokenClaims = { ...principal, iat: now, exp: now + (options.expiresInSeconds ?? 12 * 3600), ...(options.nbf !== undefined ? { nbf: options.nbf } : {}) };
    const head = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const body = b64(JSON.stringify(claims));
    return `${head}.${body}.${this.signature(`${head}.${body}`)}`;
  }

  verify(token: string, nowSeconds = Math.floor(Date.now() / 1000)): Principal {
    const known = this.verified.get(token);
    const found = known ?? this.check(token);
    this.checkTimes(found, nowSeconds);
    this.verified.delete(token);
    this.verified.set(token, found);
    if (!known && this.verified.size > VERIFIED_CACHE) this.verified.delete(this.verified.keys().next().value as string);
    return found.principal;
  }

  private checkTimes(claims: Verified, nowSeconds: number): void {
    if (claims.exp + this.clockSkewSeconds <= nowSeconds) throw new UnauthenticatedError('token expired');
    if (claims.nbf !== undefined && claims.nbf - this.clockSkewSeconds > nowSeconds) throw new UnauthenticatedError('token not yet valid');
  }

  /** Signature and claims, without the clock (checked on every use). */
  private check(token: string): Verified {
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) throw new UnauthenticatedError('malformed token');
    const header = parseJson(parts[0]);
    if (!header || header.alg !== 'HS256') throw new UnauthenticatedError('unsupported token algorithm');
    const expected = Buffer.from(this.signature(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new UnauthenticatedError('bad token signature');
    const claims = parseJson(parts[1]);
    if (!claims) throw new UnauthenticatedError('malformed token claims');
    // JSON.parse reads 1e999 as Infinity: a token that never expires is no token.
    if (!finite(claims.exp)) throw new UnauthenticatedError('token has no valid exp');
    if (claims.nbf !== undefined && !finite(claims.nbf)) throw new UnauthenticatedError('token not yet valid');
    if (claims.iat !== undefined && !finite(claims.iat)) throw new UnauthenticatedError('token has an invalid iat');
    if (typeof claims.sub !== 'string' || !SUBJECT_PATTERN.test(claims.sub)) throw new UnauthenticatedError('token has no valid sub');
    if (!isTokenTenant(claims.tenant)) throw new UnauthenticatedError('token has no valid tenant');
    if (!Array.isArray(claims.roles) || !claims.roles.every((r): r is Role => typeof r === 'string' && (ROLES as readonly string[]).includes(r))) {
      throw new UnauthenticatedError('token has invalid roles');
    }
    return { principal: { sub: claims.sub, tenant: claims.tenant, roles: claims.roles }, exp: claims.exp, nbf: claims.nbf as number | undefined };
  }

  private signature(input: string): string {
    return createHmac('sha256', this.secret).update(input).digest('base64url');
  }
}

function parseJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** With no JWT_SECRET, one random secret is generated once into the data directory (mode 0600). */
export function resolveJwtSecret(configured: string | null, dataDir: string): string {
  if (configured) return configured;
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  ensurePrivateDir(dataDir);
  const secret = randomBytes(32).toString('hex');
  try {
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  } catch {
    // Another process created it first: use theirs.
    return readFileSync(file, 'utf8').trim();
  }
  chmodSync(file, 0o600);
  return secret;
}

export type Role = 'guard' | 'labeler' | 'ml_engineer' | 'auditor' | 'ops';

export interface Session {
  token: string;
  sub: string;
  tenant: string;
  roles: Role[];
  /** Seconds since epoch, when the token carries `exp`. */
  exp?: number;
}

const STORAGE_KEY = 'console.token';

/** Reads the JWT payload without verifying it: the server is the only judge of a token. */
export function decodeToken(token: string): Session {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new Error('A JWT has three dot-separated parts.');
  let payload: unknown;
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    payload = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error('The token payload is not base64url-encoded JSON.');
  }
  if (typeof payload !== 'object' || payload === null) throw new Error('The token payload is not an object.');
  const p = payload as Record<string, unknown>;
  const roles = Array.isArray(p.roles) ? p.roles.filter((r): r is Role => typeof r === 'string') : [];
  return {
    token: token.trim(),
    sub: typeof p.sub === 'string' ? p.sub : '?',
    tenant: typeof p.tenant === 'string' ? p.tenant : '?',
    roles,
    exp: typeof p.exp === 'number' ? p.exp : undefined,
  };
}

export function loadSession(): Session | null {
  const token = sessionStorage.getItem(STORAGE_KEY);
  if (!token) return null;
  try {
    return decodeToken(token);
  } catch {
    sessionStorage.removeItem(STORAGE_KEY);
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(STORAGE_KEY, session.token);
}

export function clearSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

export function hasAnyRole(session: Session, roles: readonly Role[]): boolean {
  return session.roles.some((r) => roles.includes(r));
}

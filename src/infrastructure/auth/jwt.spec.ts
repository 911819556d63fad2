import { JwtService } from './jwt';

const principal = { sub: 'guard-1', tenant: 'acme', roles: ['guard' as const] };

describe('JwtService.verify', () => {
  const jwt = new JwtService('a-secret-of-some-length', 30);
  const now = 1_800_000_000;

  it('answers the principal of a valid token, again and again', () => {
    const token = jwt.sign(principal, { nowSeconds: now, expiresInSeconds: 600 });
    expect(jwt.verify(token, now)).toEqual(principal);
    expect(jwt.verify(token, now + 1)).toEqual(principal);
  });

  it('refuses a token once it expires, although it was verified before', () => {
    const token = jwt.sign(principal, { nowSeconds: now, expiresInSeconds: 600 });
    expect(jwt.verify(token, now)).toEqual(principal);
    expect(() => jwt.verify(token, now + 600 + 30)).toThrow('token expired');
  });

  it('refuses a token before its nbf on every use, and accepts it from then on', () => {
    const token = jwt.sign(principal, { nowSeconds: now, nbf: now + 120 });
    expect(() => jwt.verify(token, now)).toThrow('token not yet valid');
    expect(jwt.verify(token, now + 100)).toEqual(principal);
    expect(() => jwt.verify(token, now)).toThrow('token not yet valid');
  });

  it('refuses a token whose claims or signature were changed after the original was verified', () => {
    const token = jwt.sign(principal, { nowSeconds: now });
    jwt.verify(token, now);
    const [head, body, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const raised = Buffer.from(JSON.stringify({ ...claims, roles: ['ops'] })).toString('base64url');
    expect(() => jwt.verify(`${head}.${raised}.${signature}`, now)).toThrow('bad token signature');
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
    expect(() => jwt.verify(`${head}.${body}.${flipped}`, now)).toThrow('bad token signature');
  });

  it('refuses a token signed with another secret', () => {
    const other = new JwtService('another-secret-entirely', 30).sign(principal, { nowSeconds: now });
    expect(() => jwt.verify(other, now)).toThrow('bad token signature');
  });

  it('keeps accepting recent tokens after many others were verified', () => {
    const tokens = Array.from({ length: 10_050 }, (_, i) => jwt.sign({ ...principal, sub: `u${i}` }, { nowSeconds: now }));
    for (const token of tokens) jwt.verify(token, now);
    expect(jwt.verify(tokens[0], now).sub).toBe('u0');
    expect(jwt.verify(tokens[10_049], now).sub).toBe('u10049');
  });
});

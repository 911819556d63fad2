import { Command, CommandRunner, Option } from 'nest-commander';
import { JwtService, ROLES, Role, SUBJECT_PATTERN, isTokenTenant } from '../infrastructure/auth/jwt';
import { fail } from './output';

interface TokenOptions {
  tenant?: string;
  sub?: string;
  roles?: string;
  expiresIn?: number;
}

/** `npm run token -- --tenant acme --sub u1 --roles guard,labeler` */
@Command({ name: 'token', description: 'print a signed JWT for local use' })
export class TokenCommand extends CommandRunner {
  constructor(private readonly jwt: JwtService) {
    super();
  }

  async run(_args: string[], options: TokenOptions): Promise<void> {
    const roles = (options.roles ?? 'guard').split(',').map((r) => r.trim()).filter(Boolean);
    const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
    if (unknown.length) fail(`unknown role(s) ${unknown.join(', ')}; roles are ${ROLES.join(', ')}`, 2);
    // The server refuses such tokens (401): say so now rather than print one that never works.
    if (!isTokenTenant(options.tenant ?? 'acme')) fail('--tenant must be lower-case letters, digits and inner hyphens (and not "platform")', 2);
    if (!SUBJECT_PATTERN.test(options.sub ?? 'u1')) fail('--sub must be letters, digits and _ . @ - (up to 128)', 2);
    process.stdout.write(`${this.jwt.sign({ tenant: options.tenant ?? 'acme', sub: options.sub ?? 'u1', roles: roles as Role[] }, { expiresInSeconds: options.expiresIn ?? 12 * 3600 })}\n`);
  }

  @Option({ flags: '--tenant <tenant>', description: 'tenant claim (default acme)' })
  parseTenant(value: string): string {
    return value;
  }

  @Option({ flags: '--sub <sub>', description: 'user id claim (default u1)' })
  parseSub(value: string): string {
    return value;
  }

  @Option({ flags: '--roles <roles>', description: `comma-separated roles: ${ROLES.join(', ')}` })
  parseRoles(value: string): string {
    return value;
  }

  @Option({ flags: '--expires-in <seconds>', description: 'lifetime in seconds (default 43200)' })
  parseExpiresIn(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) fail('--expires-in must be a positive integer of seconds', 2);
    return n;
  }
}

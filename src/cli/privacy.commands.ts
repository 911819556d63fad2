import { Command, CommandRunner, Option } from 'nest-commander';
import { userInfo } from 'node:os';
import { RetentionService } from '../commands/privacy/retention.service';
import { isTokenTenant } from '../infrastructure/auth/jwt';
import { fail, jsonLine } from './output';

const actor = () => `cli:${userInfo().username}`;

function tenantFlag(value: string): string {
  if (!isTokenTenant(value)) fail('--tenant must be lower-case letters, digits and inner hyphens (and not "platform")', 2);
  return value;
}

@Command({
  name: 'retention:run',
  description: "apply personal-data retention now (what the daily RETENTION_CRON run does): one tenant, or every tenant with a period set; one JSON line per tenant run",
})
export class RetentionRunCommand extends CommandRunner {
  constructor(private readonly retention: RetentionService) {
    super();
  }

  async run(_args: string[], options: { tenant?: string }): Promise<void> {
    if (options.tenant) {
      jsonLine({ tenant: options.tenant, ...(await this.retention.run(options.tenant, actor())) });
      return;
    }
    for (const run of await this.retention.runAll(actor())) jsonLine(run);
  }

  @Option({ flags: '--tenant <tenant>', description: 'only this tenant (default: every tenant whose retention keeps less than forever)' })
  parseTenant(value: string): string {
    return tenantFlag(value);
  }
}

@Command({ name: 'retention:show', description: "a tenant's retention: its overrides, the defaults, what is in force and the last run" })
export class RetentionShowCommand extends CommandRunner {
  constructor(private readonly retention: RetentionService) {
    super();
  }

  async run(_args: string[], options: { tenant?: string }): Promise<void> {
    if (!options.tenant) fail('--tenant is required', 2);
    jsonLine({ tenant: options.tenant, ...(await this.retention.settings(options.tenant)) });
  }

  @Option({ flags: '--tenant <tenant>', description: 'the tenant' })
  parseTenant(value: string): string {
    return tenantFlag(value);
  }
}

import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option } from 'nest-commander';
import { verifyChain } from '../domain/shared/hash-chain';
import { RecordedEvent } from '../domain/shared/events';
import { EVENT_STORE, EventStore } from '../ports/event-store.port';
import { PERSONAL_DATA, PersonalDataPort } from '../ports/personal-data.port';
import { openSealedFields } from '../commands/privacy/open-sealed-fields';
import { auditEvent } from '../projections/audit/audit.controller';
import { AuditScope } from '../projections/audit/audit-scope';
import { EXIT, fail, jsonLine } from './output';

interface TenantOptions {
  tenant?: string;
  allTenants?: boolean;
  /** Print sealed personal fields as stored (ciphertext), e.g. to recompute hashes with own tools. */
  asStored?: boolean;
}

/**
 * An event as the audit endpoints answer it; its sealed personal fields opened with its tenant's
 * keys (from the key store) unless `--as-stored`: erased ones are null and their object says
 * `erased: true`. The hash chain is over the stored form: verify with `streams:verify` or `--as-stored`.
 */
async function printed(personal: PersonalDataPort, e: RecordedEvent, asStored: boolean | undefined): Promise<unknown> {
  const stored = auditEvent(e);
  const tenant = e.metadata.tenantId;
  if (asStored || !tenant) return stored;
  return { ...stored, data: await openSealedFields(personal, tenant, e.data) };
}

/** The CLI has no token: the operator names the tenant, or says `--all-tenants` explicitly. */
function scopeOf(events: EventStore, options: TenantOptions): AuditScope | null {
  if (options.tenant && options.allTenants) fail('give --tenant <tenant> or --all-tenants, not both', 2);
  if (options.allTenants) return null;
  if (!options.tenant) fail('give --tenant <tenant> (its streams and the platform streams) or --all-tenants', 2);
  return new AuditScope(events, options.tenant as string);
}

const tenantFlag = { flags: '--tenant <tenant>', description: "only this tenant's streams (and the platform streams)" };
const allTenantsFlag = { flags: '--all-tenants', description: 'every tenant (an explicit choice: the CLI has no token)' };
const asStoredFlag = { flags: '--as-stored', description: 'personal fields as stored (sealed), not opened with the key store' };

@Command({ name: 'streams:read', arguments: '<stream>', description: 'the stream, oldest first, personal fields opened (JSON lines)' })
export class StreamsReadCommand extends CommandRunner {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(PERSONAL_DATA) private readonly personal: PersonalDataPort,
  ) {
    super();
  }

  async run([stream]: string[], options: TenantOptions): Promise<void> {
    const scope = scopeOf(this.events, options);
    if (scope && !(await scope.canRead(stream))) fail(`stream ${stream} not found`, 1);
    for (const e of await this.events.readStream(stream, { raw: true })) jsonLine(await printed(this.personal, e, options.asStored));
  }

  @Option(asStoredFlag)
  parseAsStored(): boolean {
    return true;
  }

  @Option(tenantFlag)
  parseTenant(value: string): string {
    return value;
  }

  @Option(allTenantsFlag)
  parseAll(): boolean {
    return true;
  }
}

@Command({ name: 'streams:verify', arguments: '<stream>', description: 'recompute the hash chain; exit code 3 when broken' })
export class StreamsVerifyCommand extends CommandRunner {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {
    super();
  }

  async run([stream]: string[]): Promise<void> {
    const events = await this.events.readStream(stream, { raw: true });
    if (events.length === 0) fail(`stream ${stream} does not exist`, EXIT.refused, 'not_found');
    const r = verifyChain(events);
    jsonLine({ stream, valid: r.valid, events_checked: r.eventsChecked, first_broken_revision: r.firstBrokenRevision, reason: r.reason });
    if (!r.valid) process.exitCode = EXIT.integrity;
  }
}

@Command({ name: 'events:export', description: 'all events in commit order from a position, personal fields opened (JSON lines)' })
export class EventsExportCommand extends CommandRunner {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(PERSONAL_DATA) private readonly personal: PersonalDataPort,
  ) {
    super();
  }

  async run(_args: string[], options: TenantOptions & { fromPosition?: number }): Promise<void> {
    const scope = scopeOf(this.events, options);
    let after = Math.max(0, (options.fromPosition ?? 1) - 1);
    for (;;) {
      const batch = await this.events.readAll({ after, limit: 5000, raw: true });
      if (batch.length === 0) break;
      for (const e of batch) if (!scope || (await scope.canRead(e.stream, e))) jsonLine(await printed(this.personal, e, options.asStored));
      after = batch[batch.length - 1].position;
    }
  }

  @Option(asStoredFlag)
  parseAsStored(): boolean {
    return true;
  }

  @Option({ flags: '--from-position <position>', description: 'inclusive log position (default: the beginning)' })
  parseFrom(value: string): number {
    if (!/^\d{1,16}$/.test(value)) fail('--from-position must be a string of digits', 2);
    return Number(value);
  }

  @Option(tenantFlag)
  parseTenant(value: string): string {
    return value;
  }

  @Option(allTenantsFlag)
  parseAll(): boolean {
    return true;
  }
}

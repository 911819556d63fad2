import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option } from 'nest-commander';
import { verifyChain } from '../domain/shared/hash-chain';
import { EVENT_STORE, EventStore } from '../infrastructure/event-store/event-store.port';
import { auditEvent } from '../projections/audit/audit.controller';
import { EXIT, fail, jsonLine } from './output';

@Command({ name: 'streams:read', arguments: '<stream>', description: 'the stream, oldest first, as stored (JSON lines)' })
export class StreamsReadCommand extends CommandRunner {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {
    super();
  }

  async run([stream]: string[]): Promise<void> {
    for (const e of await this.events.readStream(stream, { raw: true })) jsonLine(auditEvent(e));
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

@Command({ name: 'events:export', description: 'all events in commit order from a position, as stored (JSON lines)' })
export class EventsExportCommand extends CommandRunner {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {
    super();
  }

  async run(_args: string[], options: { fromPosition?: number }): Promise<void> {
    let after = Math.max(0, (options.fromPosition ?? 1) - 1);
    for (;;) {
      const batch = await this.events.readAll({ after, limit: 5000, raw: true });
      if (batch.length === 0) break;
      for (const e of batch) jsonLine(auditEvent(e));
      after = batch[batch.length - 1].position;
    }
  }

  @Option({ flags: '--from-position <position>', description: 'inclusive log position (default: the beginning)' })
  parseFrom(value: string): number {
    if (!/^\d{1,16}$/.test(value)) fail('--from-position must be a string of digits', 2);
    return Number(value);
  }
}

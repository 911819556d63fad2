import { RecordedEvent } from '../../domain/shared/events';
import { EventStore } from '../../ports/event-store.port';

/**
 * Stream categories whose events belong to no tenant: the model registry and its accuracy alerts
 * (models are platform-wide) and the OCR calibrations (engine behaviour). Every tenant's auditor
 * reads them. Classified by category, not by the events' tenant field, which the CLI fills with
 * the reserved name `platform`.
 */
export const PLATFORM_CATEGORIES: readonly string[] = ['model', 'accuracy_alert', 'ocr_calibration'];

export function streamCategory(stream: string): string {
  const dash = stream.indexOf('-');
  return dash < 0 ? stream : stream.slice(0, dash);
}

export function isPlatformStream(stream: string): boolean {
  return PLATFORM_CATEGORIES.includes(streamCategory(stream));
}

/**
 * Which tenant a stream belongs to: the tenant of its first event. Later events of a tenant's
 * stream may carry no tenant (an outcome recorded by the platform's sweep) and still belong to it.
 */
export class AuditScope {
  private readonly owners = new Map<string, string | null>();

  constructor(
    private readonly events: EventStore,
    private readonly tenant: string,
  ) {}

  async canRead(stream: string, first?: RecordedEvent): Promise<boolean> {
    if (isPlatformStream(stream)) return true;
    return (await this.owner(stream, first)) === this.tenant;
  }

  private async owner(stream: string, first?: RecordedEvent): Promise<string | null> {
    if (this.owners.has(stream)) return this.owners.get(stream) ?? null;
    const head = first && first.revision === 0 ? first : (await this.events.readStream(stream, { limit: 1, raw: true }))[0];
    const owner = head?.metadata.tenantId ?? null;
    this.owners.set(stream, owner);
    return owner;
  }
}

import { sourceStream } from '../../domain/readings/reading.events';
import { EventStore } from '../../ports/event-store.port';
import { PersonalDataPort } from '../../ports/personal-data.port';

/**
 * A plate written on a vehicle entry (a correction, a label) is personal: sealed under that plate's
 * subject, which the entry (and its photo) joins, so erasing either the read or the written plate
 * reaches the entry. null when the entry is not the tenant's (or not an entry with a photo): the
 * caller keeps the text as it is and the decider refuses the command, leaving no key behind.
 */
export async function sealOnEntry(personal: PersonalDataPort, events: EventStore, tenant: string, entryId: string, text: string): Promise<string | null> {
  const [first] = await events.readStream(sourceStream('vehicle_entry', entryId), { limit: 1 });
  if (!first || first.metadata.tenantId !== tenant || typeof first.data.imageHash !== 'string') return null;
  const subjectId = await personal.subjectOf(tenant, text, entryId);
  await personal.linkEntry(tenant, subjectId, entryId, first.data.imageHash);
  return personal.seal(tenant, subjectId, text);
}

import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { NotFoundError, ValidationError } from '../../domain/shared/errors';
import { streamName } from '../../domain/shared/events';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { BLOB_STORE, BlobStore } from '../../ports/blob-store.port';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { positionString } from '../../http/conventions';
import { PERSONAL_DATA, PersonalDataPort } from '../../ports/personal-data.port';
import { RequestErasureDto } from './erasure.dto';

/**
 * Erasure by crypto-shredding: the subject's key and its entries' photos are deleted (with the keys
 * of the subjects its entries were also linked to by a correction or label to another plate), and
 * `SubjectErased` records who, when and why (no plate, no text). Events and hashes stay.
 */
@ApiTags('privacy')
@ApiBearerAuth()
@Controller('api/v2/privacy')
@Roles('privacy_officer')
export class ErasureController {
  constructor(
    @Inject(PERSONAL_DATA) private readonly personal: PersonalDataPort,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('erasures')
  @HttpCode(201)
  async erase(@CurrentPrincipal() principal: Principal, @Body() body: RequestErasureDto) {
    if ((body.plate === undefined) === (body.subject_id === undefined)) {
      throw new ValidationError('give exactly one of plate or subject_id', { fields: { plate: ['exactly one of plate or subject_id'] } });
    }
    // Lookups are per tenant: another tenant's plate or subject_id is simply not found here.
    const subjectId = body.subject_id ?? (await this.personal.findSubject(principal.tenant, body.plate ?? ''));
    if (subjectId === null) throw new NotFoundError('no personal data of that plate in this tenant');
    const erased = await this.personal.erase(principal.tenant, subjectId);
    if (!erased.existed) throw new NotFoundError('no subject with that id in this tenant (or already erased)');
    for (const hash of erased.photoHashes) await this.blobs.delete(hash);
    const erasureId = randomUUID();
    const erasedAt = this.clock.now().toISOString();
    const result = await this.events.append(
      streamName('erasure', erasureId),
      [
        {
          eventId: erasureId,
          type: 'SubjectErased',
          data: { erasureId, subjectId, linkedSubjects: erased.linkedSubjects, reason: body.reason, photos: erased.photoHashes.length, erasedBy: principal.sub, erasedAt },
          metadata: { tenantId: principal.tenant, actorId: principal.sub, correlationId: erasureId, causationId: null, occurredAt: erasedAt, schemaVersion: 1 },
        },
      ],
      'no_stream',
    );
    return { erasure_id: erasureId, subject_id: subjectId, linked_subject_ids: erased.linkedSubjects, erased_at: erasedAt, position: positionString(result.position) };
  }
}

import { Body, Controller, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ReadingCommand, ReadingState, SubmitCorrection, readingDecider } from '../../domain/readings/reading.decider';
import { ReadingEvent, sourceStream } from '../../domain/readings/reading.events';
import { derivedId, deterministicUuid, newId } from '../../domain/shared/ids';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { positionString } from '../../http/conventions';
import { PERSONAL_DATA, PersonalDataPort } from '../../ports/personal-data.port';
import { sealOnEntry } from '../privacy/seal-on-entry';
import { contextFromPrincipal, Decide, recordedPosition } from '../../runtime/decide';
import { IdempotencyClaim, IdempotencyKeyCheckedAfter, idempotencyKey } from '../../http/idempotency-key';
import { ClaimSlot } from '../../ports/event-store.port';
import { SubmitCorrectionDto } from './submit-correction.dto';

@ApiTags('training')
@ApiBearerAuth()
@Controller('api/v2/ml-training')
@Roles('guard', 'labeler')
export class CorrectionsController {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(PERSONAL_DATA) private readonly personal: PersonalDataPort,
  ) {}

  /**
   * Records `CorrectionSubmitted` on the source's stream and answers its position: the
   * training-examples projection applies the correction itself, so a read at that position shows
   * the corrected example. The example's own event comes from the capture saga alone.
   */
  @Post(['corrections', 'corrections/'])
  @HttpCode(201)
  // The correction's id derives from the key. A plate, though, is sealed under its subject before
  // the decider runs: an entry's correction has its key checked first.
  @IdempotencyKeyCheckedAfter((request) => (request.body as { source_type?: unknown } | undefined)?.source_type !== 'vehicle_entry')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retry with the same key returns the first answer and appends nothing' })
  async submit(@CurrentPrincipal() principal: Principal, @Body() body: SubmitCorrectionDto, @IdempotencyClaim() claim: ClaimSlot | undefined, @Headers('idempotency-key') rawKey?: string) {
    const key = idempotencyKey(rawKey);
    const correctionId = key ? derivedId('correction', principal.tenant, principal.sub, key) : newId();
    const commandId = deterministicUuid(`submit-correction:${correctionId}`);
    const stream = sourceStream(body.source_type, body.source_id);
    const command: SubmitCorrection = {
      type: 'SubmitCorrection',
      correctionId,
      sourceType: body.source_type,
      sourceId: body.source_id,
      tenantId: principal.tenant,
      actorId: principal.sub,
      correctedText: await this.sealedCorrection(principal, body),
      correctionType: body.correction_type,
    };
    // The key's record (when its check left one to claim) is written in this append's transaction.
    const context = { ...contextFromPrincipal(principal, commandId), ...(claim ? { claim } : {}) };
    const result = await this.commandBus.execute(new Decide<ReadingState, ReadingCommand, ReadingEvent>(stream, readingDecider, command, context));
    // A retry appended nothing: answered where the first attempt's event went.
    const position = recordedPosition(result);
    return { status: 'success', message: `correction recorded for ${body.source_type} ${body.source_id}`, correction_id: correctionId, position: positionString(position) };
  }

  /**
   * A plate written on an entry is personal: sealed under that plate's subject, which the entry
   * (and its photo) joins, so erasing either plate reaches the entry. Only for an entry of the
   * caller's tenant: anything else is refused by the decider and must leave no key behind.
   */
  private async sealedCorrection(principal: Principal, body: SubmitCorrectionDto): Promise<string> {
    const text = body.corrected_text.trim();
    if (body.source_type !== 'vehicle_entry' || text === '') return body.corrected_text;
    return (await sealOnEntry(this.personal, this.events, principal.tenant, body.source_id, text)) ?? body.corrected_text;
  }
}

import { Body, Controller, Headers, HttpCode, Inject, Logger, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ReadingCommand, ReadingState, SubmitCorrection, readingDecider } from '../../domain/readings/reading.decider';
import { ReadingEvent, sourceStream } from '../../domain/readings/reading.events';
import { RecordedEvent } from '../../domain/shared/events';
import { derivedId, deterministicUuid, newId } from '../../domain/shared/ids';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { positionString } from '../../http/conventions';
import { CaptureSaga, SagaInput } from '../../sagas/capture/capture.saga';
import { contextFromPrincipal } from '../shared/command-context';
import { Decide } from '../shared/decide.command';
import { idempotencyKey } from './idempotency';
import { SubmitCorrectionDto } from './submit-correction.dto';

@ApiTags('training')
@ApiBearerAuth()
@Controller('api/v2/ml-training')
@Roles('guard', 'labeler')
export class CorrectionsController {
  private readonly logger = new Logger('corrections');

  constructor(
    private readonly commandBus: CommandBus,
    private readonly capture: CaptureSaga,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  /**
   * Records `CorrectionSubmitted` on the source's stream, then applies it to the training example
   * at once (the same command the capture saga sends, with the same ids) so the answer's position
   * covers the example too. If that step fails the saga still applies it from its checkpoint.
   */
  @Post(['corrections', 'corrections/'])
  @HttpCode(201)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retry with the same key returns the first answer and appends nothing' })
  async submit(@CurrentPrincipal() principal: Principal, @Body() body: SubmitCorrectionDto, @Headers('idempotency-key') rawKey?: string) {
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
      correctedText: body.corrected_text,
      correctionType: body.correction_type,
    };
    const context = contextFromPrincipal(principal, commandId);
    const result = await this.commandBus.execute(new Decide<ReadingState, ReadingCommand, ReadingEvent>(stream, readingDecider, command, context));
    const [appended] = result.events;
    // Fresh: the event is known without reading it back. A retry: find the first attempt's event.
    const submitted: SagaInput | null = appended
      ? { eventId: deterministicUuid(`${commandId}:0`), type: appended.type, data: appended.data, metadata: { tenantId: context.tenantId, correlationId: context.correlationId } }
      : await this.submittedEvent(stream, commandId);
    let position = appended ? result.position : ((submitted as RecordedEvent | null)?.position ?? result.position);
    if (submitted) {
      try {
        position = Math.max(position, await this.capture.apply(submitted));
      } catch (error) {
        this.logger.warn(`example update deferred to the capture saga: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { status: 'success', message: `correction recorded for ${body.source_type} ${body.source_id}`, correction_id: correctionId, position: positionString(position) };
  }

  private async submittedEvent(stream: string, commandId: string): Promise<RecordedEvent | null> {
    const eventId = deterministicUuid(`${commandId}:0`);
    const events = await this.events.readStream(stream);
    return events.find((e) => e.eventId === eventId) ?? null;
  }
}

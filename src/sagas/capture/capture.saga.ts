import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { contextFromEvent } from '../../commands/shared/command-context';
import { Decide } from '../../commands/shared/decide.command';
import { CorrectionSubmitted, MeterReadingRecorded, VehicleEntryRecorded } from '../../domain/readings/reading.events';
import { RecordedEvent, streamName } from '../../domain/shared/events';
import { deterministicUuid } from '../../domain/shared/ids';
import { TrainingExampleCommand, TrainingExampleState, trainingExampleDecider } from '../../domain/training/training-example.decider';
import { TrainingExampleEvent, exampleIdFor } from '../../domain/training/training-example.events';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { Saga } from '../saga-runner';

export const CAPTURE_SAGA = 'capture';
const ACTOR = `saga:${CAPTURE_SAGA}`;

export interface PlannedCommand {
  readonly stream: string;
  readonly command: TrainingExampleCommand;
  /** Derived from the causing event's id: a replay sends the same command and appends nothing. */
  readonly commandId: string;
}

/**
 * The pure part: which training-example command a reading event causes. An uncertain reading is
 * captured; a correction becomes ground truth (creating the example if the reading was confident).
 */
/** What the saga reads of an event: its id, type, data and the tenant and correlation it carries. */
export type SagaInput = Pick<RecordedEvent, 'eventId' | 'type' | 'data'> & { readonly metadata: Pick<RecordedEvent['metadata'], 'tenantId' | 'correlationId'> };

export function captureCommands(event: SagaInput): PlannedCommand[] {
  const commandId = deterministicUuid(`${ACTOR}:${event.eventId}`);
  if (event.type === 'MeterReadingRecorded' || event.type === 'VehicleEntryRecorded') {
    const d = event.data as (MeterReadingRecorded | VehicleEntryRecorded)['data'];
    if (!d.capturedForTraining) return [];
    const [sourceSystem, sourceId] =
      event.type === 'MeterReadingRecorded' ? (['meter_reading', (d as MeterReadingRecorded['data']).readingId] as const) : (['vehicle_entry', (d as VehicleEntryRecorded['data']).entryId] as const);
    const exampleId = exampleIdFor(sourceSystem, sourceId);
    return [
      {
        stream: streamName('example', exampleId),
        commandId,
        command: { type: 'CaptureTrainingExample', exampleId, sourceSystem, sourceId, imageHash: d.imageHash, rawText: d.rawText, confidence: d.confidence, features: d.features, phash: d.phash },
      },
    ];
  }
  if (event.type === 'CorrectionSubmitted') {
    const d = event.data as CorrectionSubmitted['data'];
    const exampleId = exampleIdFor(d.sourceType, d.sourceId);
    return [
      {
        stream: streamName('example', exampleId),
        commandId,
        command: {
          type: 'CorrectTrainingExample',
          exampleId,
          sourceSystem: d.sourceType,
          sourceId: d.sourceId,
          correctionId: d.correctionId,
          groundTruthText: d.correctedText,
          correctionType: d.correctionType,
          imageHash: d.imageHash,
          rawText: d.rawText,
          features: d.features,
        },
      },
    ];
  }
  return [];
}

/**
 * Turns readings and corrections into training examples on its own durable subscription. The
 * reading's request never waits for it, so a failing capture cannot fail a reading; the saga
 * runner retries the event from its checkpoint until it succeeds.
 */
@Injectable()
export class CaptureSaga implements Saga {
  readonly name = CAPTURE_SAGA;
  readonly eventTypes = ['MeterReadingRecorded', 'VehicleEntryRecorded', 'CorrectionSubmitted'] as const;

  constructor(
    private readonly commandBus: CommandBus,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    for (const planned of captureCommands(event)) await this.send(event, planned);
  }

  /**
   * The same commands, sent on the request path (a correction's example is updated before its
   * answer); answers the log position of what they recorded, also when a retry recorded nothing.
   */
  async apply(event: SagaInput): Promise<number> {
    let position = 0;
    for (const planned of captureCommands(event)) {
      const result = await this.send(event, planned);
      position = Math.max(position, result.events.length > 0 ? result.position : await this.recordedPosition(planned));
    }
    return position;
  }

  private send(event: SagaInput, planned: PlannedCommand) {
    return this.commandBus.execute(
      new Decide<TrainingExampleState, TrainingExampleCommand, TrainingExampleEvent>(planned.stream, trainingExampleDecider, planned.command, contextFromEvent(event, ACTOR, planned.commandId)),
    );
  }

  /** For a replayed command: where its events went the first time, if it was this command. */
  private async recordedPosition(planned: PlannedCommand): Promise<number> {
    const eventId = deterministicUuid(`${planned.commandId}:0`);
    const found = (await this.events.readStream(planned.stream)).find((e) => e.eventId === eventId);
    return found?.position ?? 0;
  }
}

import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { contextFromEvent, Decide } from '../../runtime/decide';
import { CorrectionSubmitted, MeterReadingRecorded, VehicleEntryRecorded } from '../../domain/readings/reading.events';
import { RecordedEvent, streamName } from '../../domain/shared/events';
import { deterministicUuid } from '../../domain/shared/ids';
import { TrainingExampleCommand, TrainingExampleState, trainingExampleDecider } from '../../domain/training/training-example.decider';
import { TrainingExampleEvent, exampleIdFor } from '../../domain/training/training-example.events';
import { Saga } from '../saga-runner';

export const CAPTURE_SAGA = 'capture';
const ACTOR = `saga:${CAPTURE_SAGA}`;

export interface PlannedCommand {
  readonly stream: string;
  readonly command: TrainingExampleCommand;
  /** Derived from the causing event's id: a replay sends the same command and appends nothing. */
  readonly commandId: string;
}

/** What the saga reads of an event: its id, type, data and the tenant and correlation it carries. */
export type SagaInput = Pick<RecordedEvent, 'eventId' | 'type' | 'data'> & { readonly metadata: Pick<RecordedEvent['metadata'], 'tenantId' | 'correlationId'> };

/** The engine fields the event has (older events carry fewer). */
function engineOf(d: { engine?: string; engineName?: string }): { engine?: string; engineName?: string } {
  return { ...(d.engine === undefined ? {} : { engine: d.engine }), ...(d.engineName === undefined ? {} : { engineName: d.engineName }) };
}

/**
 * The pure part: which training-example command a reading event causes. An uncertain reading is
 * captured; a correction becomes ground truth (creating the example if the reading was confident).
 */
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
        command: { type: 'CaptureTrainingExample', exampleId, sourceSystem, sourceId, imageHash: d.imageHash, rawText: d.rawText, confidence: d.confidence, features: d.features, phash: d.phash, ...engineOf(d) },
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
          confidence: d.confidence,
          ...engineOf(d),
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

  constructor(private readonly commandBus: CommandBus) {}

  async handle(event: RecordedEvent): Promise<void> {
    for (const planned of captureCommands(event)) await this.send(event, planned);
  }

  private send(event: SagaInput, planned: PlannedCommand) {
    return this.commandBus.execute(
      new Decide<TrainingExampleState, TrainingExampleCommand, TrainingExampleEvent>(planned.stream, trainingExampleDecider, planned.command, contextFromEvent(event, ACTOR, planned.commandId)),
    );
  }
}

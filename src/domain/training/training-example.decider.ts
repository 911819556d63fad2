import { StoredVector, copyVector } from '../privacy/sealed';
import { IdSet } from '../shared/id-set';
import { Decider } from '../shared/decider';
import { ConflictError, NotFoundError, assertNever } from '../shared/errors';
import { redactUnlessSealed } from './redaction';
import { SourceSystem, TrainingExampleCorrected, TrainingExampleEvent } from './training-example.events';

export interface CaptureTrainingExample {
  readonly type: 'CaptureTrainingExample';
  readonly exampleId: string;
  readonly sourceSystem: SourceSystem;
  readonly sourceId: string;
  readonly imageHash: string;
  /** Raw OCR text; the decider redacts it, so no caller can forget to. */
  readonly rawText: string;
  readonly confidence: number;
  readonly features: StoredVector;
  readonly phash: string;
  readonly engine?: string;
  readonly engineName?: string;
}

export interface CorrectTrainingExample {
  readonly type: 'CorrectTrainingExample';
  readonly exampleId: string;
  readonly sourceSystem: SourceSystem;
  readonly sourceId: string;
  readonly correctionId: string;
  readonly groundTruthText: string;
  readonly correctionType: TrainingExampleCorrected['data']['correctionType'];
  /** The source's capture, used when the example does not exist yet (a confident reading). */
  readonly imageHash: string;
  readonly rawText: string;
  readonly features: StoredVector;
  /** The source's OCR confidence and engine, kept on an example the correction creates. */
  readonly confidence?: number;
  readonly engine?: string;
  readonly engineName?: string;
}

/** Sent by active learning when a batch picks the example and a task is created. */
export interface QueueTrainingExample {
  readonly type: 'QueueTrainingExample';
  readonly exampleId: string;
  readonly batchId: string;
  readonly taskId: string;
  readonly priority: number;
}

/** Sent by the labeling flow when a labeler submits the task's label. */
export interface LabelTrainingExample {
  readonly type: 'LabelTrainingExample';
  readonly exampleId: string;
  readonly taskId: string;
  readonly label: string;
  readonly labelerId: string;
}

/** Sent by the labeling flow when a labeler skips the example's task: it goes back to the pool. */
export interface ReturnTrainingExample {
  readonly type: 'ReturnTrainingExample';
  readonly exampleId: string;
  readonly taskId: string;
  readonly labelerId: string;
  readonly reason?: string;
}

export type TrainingExampleCommand = CaptureTrainingExample | CorrectTrainingExample | QueueTrainingExample | LabelTrainingExample | ReturnTrainingExample;

export type TrainingExampleStatus = 'captured' | 'corrected' | 'queued' | 'labeled';

export type TrainingExampleState =
  | { readonly status: 'none' }
  | {
      readonly status: TrainingExampleStatus;
      readonly exampleId: string;
      readonly corrected: boolean;
      readonly correctionIds: IdSet;
      readonly taskIds: readonly string[];
      /** The task whose label was accepted, once labeled. */
      readonly labeledBy: string | null;
      /** Tasks skipped and handed back to the pool. */
      readonly returnedTasks?: readonly string[];
    };

const redact = redactUnlessSealed;

/** Only the engine fields the command has: older callers send none. */
function engineOf(command: { engine?: string; engineName?: string }): { engine?: string; engineName?: string } {
  return { ...(command.engine === undefined ? {} : { engine: command.engine }), ...(command.engineName === undefined ? {} : { engineName: command.engineName }) };
}

function notFound(exampleId: string): NotFoundError {
  return new NotFoundError(`training example ${exampleId} not found`, { example_id: exampleId });
}

/** One example per source: a later capture (a replay, or after a correction) adds nothing. */
function capture(command: CaptureTrainingExample, state: TrainingExampleState): TrainingExampleEvent[] {
  if (state.status !== 'none') return [];
  const confidence = Math.min(1, Math.max(0, command.confidence));
  return [
    {
      type: 'TrainingExampleCaptured',
      data: {
        exampleId: command.exampleId,
        sourceSystem: command.sourceSystem,
        sourceId: command.sourceId,
        imageHash: command.imageHash,
        redactedText: redact(command.rawText),
        confidence,
        uncertaintyScore: 1 - confidence,
        diversity: { phash: command.phash, vector: copyVector(command.features) },
        ...engineOf(command),
      },
    },
  ];
}

/** A correction once per correction id; one that creates the example carries the source's capture. */
function correct(command: CorrectTrainingExample, state: TrainingExampleState): TrainingExampleEvent[] {
  if (state.status !== 'none' && state.correctionIds.has(command.correctionId)) return [];
  const confidence = command.confidence === undefined ? {} : { confidence: command.confidence };
  const fresh = state.status === 'none' ? { imageHash: command.imageHash, rawText: redact(command.rawText), features: copyVector(command.features), ...confidence, ...engineOf(command) } : {};
  return [
    {
      type: 'TrainingExampleCorrected',
      data: {
        exampleId: command.exampleId,
        sourceSystem: command.sourceSystem,
        sourceId: command.sourceId,
        correctionId: command.correctionId,
        groundTruthText: redact(command.groundTruthText),
        correctionType: command.correctionType,
        uncertaintyScore: 1.0,
        ...fresh,
      },
    },
  ];
}

/** Queued once per task, never once labeled. */
function queue(command: QueueTrainingExample, state: TrainingExampleState): TrainingExampleEvent[] {
  if (state.status === 'none') throw notFound(command.exampleId);
  if (state.taskIds.includes(command.taskId)) return [];
  if (state.status === 'labeled') throw new ConflictError(`training example ${command.exampleId} is already labeled`, { example_id: command.exampleId });
  return [{ type: 'TrainingExampleQueued', data: { exampleId: command.exampleId, batchId: command.batchId, taskId: command.taskId, priority: command.priority } }];
}

/** Labeled once, through a task it was queued for. */
function label(command: LabelTrainingExample, state: TrainingExampleState): TrainingExampleEvent[] {
  if (state.status === 'none') throw notFound(command.exampleId);
  if (state.labeledBy === command.taskId) return [];
  if (state.status === 'labeled') throw new ConflictError(`training example ${command.exampleId} is already labeled`, { example_id: command.exampleId });
  if (!state.taskIds.includes(command.taskId)) {
    throw new ConflictError(`training example ${command.exampleId} was not queued for task ${command.taskId}`, { example_id: command.exampleId, task_id: command.taskId });
  }
  return [{ type: 'TrainingExampleLabeled', data: { exampleId: command.exampleId, taskId: command.taskId, label: command.label, labelerId: command.labelerId } }];
}

/** A skipped task hands the example back to the pool (once per task, never once labeled). */
function giveBack(command: ReturnTrainingExample, state: TrainingExampleState): TrainingExampleEvent[] {
  if (state.status === 'none') throw notFound(command.exampleId);
  const returned = state.returnedTasks ?? [];
  // A repeat, or an example labeled meanwhile through another task: nothing to hand back.
  if (returned.includes(command.taskId) || state.status === 'labeled' || !state.taskIds.includes(command.taskId)) return [];
  const reason = command.reason === undefined ? {} : { reason: command.reason };
  return [{ type: 'TrainingExampleReturned', data: { exampleId: command.exampleId, taskId: command.taskId, labelerId: command.labelerId, ...reason, skips: returned.length + 1 } }];
}

/**
 * One training example per source (reading or entry). Captured when OCR was unsure, corrected
 * when a user gave the ground truth (status `corrected` unless a labeling task is already open or
 * done), queued by active learning, labeled once.
 */
export const trainingExampleDecider: Decider<TrainingExampleState, TrainingExampleCommand, TrainingExampleEvent> = {
  initialState: { status: 'none' },

  evolve(state, event) {
    switch (event.type) {
      case 'TrainingExampleCaptured':
        if (state.status !== 'none') return state;
        return { status: 'captured', exampleId: event.data.exampleId, corrected: false, correctionIds: IdSet.empty(), taskIds: [], labeledBy: null };
      case 'TrainingExampleCorrected': {
        const base = state.status === 'none' ? { exampleId: event.data.exampleId, taskIds: [], labeledBy: null, correctionIds: IdSet.empty() } : state;
        const status = state.status === 'queued' || state.status === 'labeled' ? state.status : 'corrected';
        return { ...base, status, corrected: true, correctionIds: base.correctionIds.with(event.data.correctionId) };
      }
      case 'TrainingExampleQueued':
        if (state.status === 'none') return state;
        return { ...state, status: 'queued', taskIds: [...state.taskIds, event.data.taskId] };
      case 'TrainingExampleLabeled':
        if (state.status === 'none') return state;
        return { ...state, status: 'labeled', labeledBy: event.data.taskId };
      case 'TrainingExampleReturned':
        if (state.status === 'none' || state.status === 'labeled') return state;
        return { ...state, status: state.corrected ? 'corrected' : 'captured', returnedTasks: [...(state.returnedTasks ?? []), event.data.taskId] };
      default:
        return assertNever(event, 'training example event');
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'CaptureTrainingExample':
        return capture(command, state);
      case 'CorrectTrainingExample':
        return correct(command, state);
      case 'QueueTrainingExample':
        return queue(command, state);
      case 'LabelTrainingExample':
        return label(command, state);
      case 'ReturnTrainingExample':
        return giveBack(command, state);
      default:
        return assertNever(command, 'training example command');
    }
  },
};

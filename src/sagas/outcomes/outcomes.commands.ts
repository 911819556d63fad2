import { AccuracyAlertEvent, AccuracyAlertState, EvaluateAccuracy, accuracyAlertDecider } from '../../domain/predictions/accuracy-alert.decider';
import { outcomesOfConflict } from '../../domain/predictions/outcome-matching';
import { PredictionCommand, PredictionState, RecordOutcome, predictionDecider } from '../../domain/predictions/prediction.decider';
import { PredictionEvent } from '../../domain/predictions/prediction.events';
import { DAY_MS } from '../../domain/shared/clock';
import { RecordedEvent, isEventOf, streamName } from '../../domain/shared/events';
import { ConflictResolved } from '../../domain/sync/sync.events';
import { CommandContext, contextFromEvent, Decide } from '../../runtime/decide';

export const OUTCOMES_SAGA = 'prediction-outcomes';
const ACTOR = `saga:${OUTCOMES_SAGA}`;
export const ALERT_WINDOW_DAYS = 7;

/** One command id per prediction outcome, whoever sends it: the saga, the sweep or a replay. */
export const outcomeCommandId = (predictionId: string) => `outcome:${predictionId}`;

export type RecordOutcomeCommand = Decide<PredictionState, PredictionCommand, PredictionEvent>;
export type EvaluateAccuracyCommand = Decide<AccuracyAlertState, EvaluateAccuracy, AccuracyAlertEvent>;
export type OutcomesSagaCommand = RecordOutcomeCommand | EvaluateAccuracyCommand;

export function recordOutcomeCommand(outcome: Omit<RecordOutcome, 'type'>, context: CommandContext): RecordOutcomeCommand {
  return new Decide(streamName('prediction', outcome.predictionId), predictionDecider, { type: 'RecordOutcome', ...outcome }, context);
}

export interface AlertRules {
  readonly accuracyAlertBelow: number;
  readonly accuracyAlertMinSamples: number;
}

/** The window the alert judges, ending at `now`. */
export function alertWindow(now: Date): { readonly fromMs: number; readonly toMs: number } {
  return { fromMs: now.getTime() - ALERT_WINDOW_DAYS * DAY_MS, toMs: now.getTime() };
}

/** The alert check of a model type, given its accuracy over the window (the decider applies the rule). */
export function evaluateAccuracyCommand(modelType: string, figure: { readonly correct: number; readonly total: number }, rules: AlertRules, now: Date, context: CommandContext): EvaluateAccuracyCommand {
  const command: EvaluateAccuracy = {
    type: 'EvaluateAccuracy',
    modelType,
    correct: figure.correct,
    total: figure.total,
    threshold: rules.accuracyAlertBelow,
    minSamples: rules.accuracyAlertMinSamples,
    windowDays: ALERT_WINDOW_DAYS,
    day: now.toISOString().slice(0, 10),
    at: now.toISOString(),
  };
  return new Decide(streamName('accuracy_alert', modelType), accuracyAlertDecider, command, context);
}

/**
 * What the saga reads for an event before deciding: the predictions the prediction log holds for
 * the conflict's sync, or the model type's accuracy over the alert window.
 */
export interface OutcomesSagaState {
  readonly predictionIds?: readonly string[];
  readonly accuracy?: { readonly correct: number; readonly total: number };
}

export interface OutcomesRules extends AlertRules {
  readonly conflictDecisionThreshold: number;
}

/**
 * The pure saga: a conflict closes the sync's predictions as positive outcomes; an outcome
 * re-checks its model type's accuracy alert. Command ids come from the prediction or the event.
 */
export function outcomesSagaCommands(event: RecordedEvent, state: OutcomesSagaState, rules: OutcomesRules, now: Date): OutcomesSagaCommand[] {
  if (isEventOf<ConflictResolved>(event, 'ConflictResolved')) {
    return outcomesOfConflict(event.data, state.predictionIds ?? [], rules.conflictDecisionThreshold, now.toISOString()).map((outcome) =>
      recordOutcomeCommand(outcome, contextFromEvent(event, ACTOR, outcomeCommandId(outcome.predictionId))),
    );
  }
  if (event.type === 'PredictionOutcomeRecorded' && state.accuracy) {
    const modelType = (event.data as { modelType?: unknown }).modelType;
    if (typeof modelType !== 'string') return [];
    return [evaluateAccuracyCommand(modelType, state.accuracy, rules, now, contextFromEvent(event, ACTOR, `accuracy-alert:${event.eventId}`))];
  }
  return [];
}

import { RecordedEvent } from '../../domain/shared/events';
import { outcomesSagaCommands } from './outcomes.commands';

function recorded(type: string, data: Record<string, unknown>, eventId = 'evt-1'): RecordedEvent {
  return {
    eventId,
    stream: 's',
    revision: 0,
    position: 7,
    type,
    data,
    metadata: { tenantId: 'acme', actorId: 'sync', correlationId: 'corr', causationId: null, occurredAt: '2026-01-06T09:00:00.000Z', schemaVersion: 1 },
    recordedAt: '2026-01-06T09:00:00.000Z',
  };
}

const rules = { conflictDecisionThreshold: 0.5, accuracyAlertBelow: 0.7, accuracyAlertMinSamples: 10 };
const now = new Date('2026-01-06T10:00:00.000Z');
const plain = (commands: ReturnType<typeof outcomesSagaCommands>) => commands.map(({ stream, command, context }) => ({ stream, command, commandId: context.commandId, actor: context.actorId }));

describe('prediction outcomes saga', () => {
  it('given a conflict of a sync with two predictions (one listed twice), when it reacts, then one positive outcome per prediction, keyed by the prediction', () => {
    const sent = outcomesSagaCommands(recorded('ConflictResolved', { tenantId: 'acme', syncId: 's1' }), { predictionIds: ['p1', 'p2', 'p1'] }, rules, now);
    const outcome = { type: 'RecordOutcome', tenantId: 'acme', syncId: 's1', conflictOccurred: true, threshold: 0.5, recordedAt: now.toISOString() };
    expect(plain(sent)).toEqual([
      { stream: 'prediction-p1', command: { ...outcome, predictionId: 'p1' }, commandId: 'outcome:p1', actor: 'saga:prediction-outcomes' },
      { stream: 'prediction-p2', command: { ...outcome, predictionId: 'p2' }, commandId: 'outcome:p2', actor: 'saga:prediction-outcomes' },
    ]);
  });

  it('given a conflict of a sync without predictions, when it reacts, then no command', () => {
    expect(outcomesSagaCommands(recorded('ConflictResolved', { tenantId: 'acme', syncId: 's1' }), { predictionIds: [] }, rules, now)).toEqual([]);
  });

  it('given an outcome and the model type accuracy, when it reacts, then the alert check of that type with the window figures, keyed by the event', () => {
    const sent = outcomesSagaCommands(recorded('PredictionOutcomeRecorded', { modelType: 'conflict_predictor' }, 'evt-9'), { accuracy: { correct: 6, total: 12 } }, rules, now);
    expect(plain(sent)).toEqual([
      {
        stream: 'accuracy_alert-conflict_predictor',
        command: { type: 'EvaluateAccuracy', modelType: 'conflict_predictor', correct: 6, total: 12, threshold: 0.7, minSamples: 10, windowDays: 7, day: '2026-01-06', at: now.toISOString() },
        commandId: 'accuracy-alert:evt-9',
        actor: 'saga:prediction-outcomes',
      },
    ]);
  });

  it('given the same event twice (a replay), when it reacts, then the same command ids', () => {
    const event = recorded('ConflictResolved', { tenantId: 'acme', syncId: 's1' });
    const ids = () => outcomesSagaCommands(event, { predictionIds: ['p1'] }, rules, now).map((c) => c.context.commandId);
    expect(ids()).toEqual(ids());
  });
});

import { Decider } from '../shared/decider';
import { ForbiddenError, NotFoundError, assertNever } from '../shared/errors';
import { ConflictPredicted, PredictionEvent, PredictionOutcomeRecorded } from './prediction.events';
import { isCorrect } from './risk';

export type PredictionState =
  | { readonly status: 'none' }
  | { readonly status: 'pending'; readonly prediction: ConflictPredicted['data'] }
  | { readonly status: 'closed'; readonly prediction: ConflictPredicted['data']; readonly outcome: PredictionOutcomeRecorded['data'] };

export interface RecordPrediction {
  readonly type: 'RecordPrediction';
  readonly prediction: ConflictPredicted['data'];
}

export interface RecordOutcome {
  readonly type: 'RecordOutcome';
  readonly predictionId: string;
  readonly tenantId: string | null;
  readonly syncId: string | null;
  readonly conflictOccurred: boolean;
  readonly threshold: number;
  readonly recordedAt: string;
}

export type PredictionCommand = RecordPrediction | RecordOutcome;

export const predictionDecider: Decider<PredictionState, PredictionCommand, PredictionEvent> = {
  initialState: { status: 'none' },
  evolve(state, event) {
    switch (event.type) {
      case 'ConflictPredicted':
        return { status: 'pending', prediction: event.data };
      case 'PredictionOutcomeRecorded':
        return state.status === 'none' ? state : { status: 'closed', prediction: state.prediction, outcome: event.data };
      default:
        return assertNever(event, 'prediction event');
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'RecordPrediction':
        // A retried request (same Idempotency-Key, same prediction id) appends nothing.
        if (state.status !== 'none') {
          if (state.prediction.tenantId !== command.prediction.tenantId) throw new ForbiddenError('prediction belongs to another tenant');
          return [];
        }
        return [{ type: 'ConflictPredicted', data: command.prediction }];
      case 'RecordOutcome': {
        if (state.status === 'none') throw new NotFoundError(`unknown prediction ${command.predictionId}`);
        // Each outcome is recorded once, whoever asks (the conflict saga, the sweep, a replay).
        if (state.status === 'closed') return [];
        const p = state.prediction;
        if (command.tenantId !== null && command.tenantId !== p.tenantId) throw new ForbiddenError('prediction belongs to another tenant');
        return [
          {
            type: 'PredictionOutcomeRecorded',
            data: {
              predictionId: p.predictionId,
              tenantId: p.tenantId,
              syncId: command.syncId,
              conflictOccurred: command.conflictOccurred,
              correct: isCorrect(p.probability, command.threshold, command.conflictOccurred),
              threshold: command.threshold,
              probability: p.probability,
              modelType: p.modelType,
              modelVersion: p.modelVersion,
              predictedAt: p.predictedAt,
              recordedAt: command.recordedAt,
            },
          },
        ];
      }
      default:
        return assertNever(command, 'prediction command');
    }
  },
};

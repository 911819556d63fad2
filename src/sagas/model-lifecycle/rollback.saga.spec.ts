import { RecordedEvent } from '../../domain/shared/events';
import { rollbackTrigger } from './rollback.saga';

function event(type: string, stream: string, data: Record<string, unknown> = {}): RecordedEvent {
  return {
    eventId: `${type}-1`,
    stream,
    revision: 0,
    position: 1,
    type,
    data,
    metadata: { tenantId: null, actorId: 'x', correlationId: 'c', causationId: null, occurredAt: '2026-01-01T00:00:00.000Z', schemaVersion: 1 },
    recordedAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('rollback saga', () => {
  it('given an outcome of a model type, then the check of that type; given an activation on a registry stream, then that type is forgotten', () => {
    expect(rollbackTrigger(event('PredictionOutcomeRecorded', 'prediction-p1', { modelType: 'conflict_predictor' }))).toEqual({ kind: 'check', modelType: 'conflict_predictor' });
    expect(rollbackTrigger(event('ModelActivated', 'model-conflict_predictor'))).toEqual({ kind: 'forget', modelType: 'conflict_predictor' });
    expect(rollbackTrigger(event('PredictionOutcomeRecorded', 'prediction-p1', {}))).toBeNull();
  });
});

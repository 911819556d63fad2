import { RecordedEvent } from '../../domain/shared/events';
import { RollbackMonitorService } from './rollback-monitor.service';
import { RollbackSaga } from './rollback.saga';

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

function sagaWith(check: jest.Mock) {
  const forget = jest.fn();
  const monitor = { check, forget } as unknown as RollbackMonitorService;
  return { saga: new RollbackSaga(monitor), forget };
}

describe('rollback saga', () => {
  it('given an outcome of a model type, when handled, then the rollback check runs for that type', async () => {
    const check = jest.fn().mockResolvedValue({ status: 'not_due' });
    const { saga } = sagaWith(check);
    await saga.handle(event('PredictionOutcomeRecorded', 'prediction-p1', { modelType: 'conflict_predictor' }));
    expect(check).toHaveBeenCalledWith('conflict_predictor');
  });

  it('given an activation on a registry stream, when handled, then what the monitor cached for that type is forgotten', async () => {
    const { saga, forget } = sagaWith(jest.fn());
    await saga.handle(event('ModelActivated', 'model-conflict_predictor'));
    expect(forget).toHaveBeenCalledWith('conflict_predictor');
  });

  it('given a failing check, when handled, then the failure reaches the runner (retried, then parked; never skipped silently)', async () => {
    const { saga } = sagaWith(jest.fn().mockRejectedValue(new Error('read store down')));
    await expect(saga.handle(event('PredictionOutcomeRecorded', 'prediction-p1', { modelType: 'conflict_predictor' }))).rejects.toThrow('read store down');
  });
});

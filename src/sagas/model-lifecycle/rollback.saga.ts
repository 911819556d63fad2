import { Injectable } from '@nestjs/common';
import { RecordedEvent } from '../../domain/shared/events';
import { modelTypeOfStream } from '../../domain/models/model.events';
import { Saga } from '../saga-runner';
import { RollbackMonitorService } from './rollback-monitor.service';

/**
 * Runs the rollback check when an outcome is recorded (the moment the first day's outcomes can
 * complete) and notes activations. The check is idempotent: its command id names the activation
 * under review, and the decider records one review per activation, so a replay changes nothing.
 */
@Injectable()
export class RollbackSaga implements Saga {
  readonly name = 'model-rollback';
  readonly eventTypes = ['PredictionOutcomeRecorded', 'ModelActivated', 'ModelDeactivated'];

  constructor(private readonly monitor: RollbackMonitorService) {}

  async handle(event: RecordedEvent): Promise<void> {
    if (event.type === 'PredictionOutcomeRecorded') {
      const modelType = (event.data as { modelType?: unknown }).modelType;
      // A failing check reaches the runner, which retries it with backoff and then parks it for ops.
      if (typeof modelType === 'string') await this.monitor.check(modelType);
      return;
    }
    const modelType = modelTypeOfStream(event.stream);
    if (modelType !== null) this.monitor.forget(modelType);
  }
}

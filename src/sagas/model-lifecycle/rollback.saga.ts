import { Inject, Injectable } from '@nestjs/common';
import { RecordedEvent } from '../../domain/shared/events';
import { modelTypeOfStream } from '../../domain/models/model.events';
import { Saga } from '../saga-runner';
import { ROLLBACK_CHECK, RollbackChecker } from '../../ports/rollback-check.port';

export type RollbackTrigger = { readonly kind: 'check' | 'forget'; readonly modelType: string } | null;

/** The pure part: an outcome triggers its model type's review check; an activation voids what was cached. */
export function rollbackTrigger(event: RecordedEvent): RollbackTrigger {
  if (event.type === 'PredictionOutcomeRecorded') {
    const modelType = (event.data as { modelType?: unknown }).modelType;
    return typeof modelType === 'string' ? { kind: 'check', modelType } : null;
  }
  const modelType = modelTypeOfStream(event.stream);
  return modelType === null ? null : { kind: 'forget', modelType };
}

/**
 * Runs the rollback check when an outcome is recorded (the moment the first day's outcomes can
 * complete) and notes activations. The check reads the registry and the figures, then sends what
 * `rollbackReviewCommands` (commands/models) decides: one review per activation, so a replay changes nothing.
 */
@Injectable()
export class RollbackSaga implements Saga {
  readonly name = 'model-rollback';
  readonly eventTypes = ['PredictionOutcomeRecorded', 'ModelActivated', 'ModelDeactivated'];

  constructor(@Inject(ROLLBACK_CHECK) private readonly monitor: RollbackChecker) {}

  async handle(event: RecordedEvent): Promise<void> {
    const trigger = rollbackTrigger(event);
    // A failing check reaches the runner, which retries it with backoff and then parks it for ops.
    if (trigger?.kind === 'check') await this.monitor.check(trigger.modelType);
    else if (trigger?.kind === 'forget') this.monitor.forget(trigger.modelType);
  }
}

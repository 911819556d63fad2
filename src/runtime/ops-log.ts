import { RecordedEvent } from '../domain/shared/events';
import type { Saga } from './saga-runner';
import { JsonLogger } from '../infrastructure/observability/json-logger';

/** The events an operator wants a log line for, and what each line says. */
const LINES: Readonly<Record<string, { level: 'info' | 'warn'; msg: string; fields: readonly [string, string][] }>> = {
  ModelActivated: { level: 'info', msg: 'model activated', fields: [['modelType', 'model_type'], ['version', 'version'], ['previousVersion', 'previous_version'], ['cause', 'cause'], ['activatedBy', 'actor']] },
  ModelTrained: { level: 'info', msg: 'model trained', fields: [['modelType', 'model_type'], ['version', 'version'], ['trigger', 'trigger'], ['runId', 'run_id']] },
  ModelRolledBack: { level: 'warn', msg: 'model rolled back', fields: [['modelType', 'model_type'], ['fromVersion', 'from_version'], ['toVersion', 'to_version'], ['reason', 'reason']] },
  AccuracyAlertRaised: { level: 'warn', msg: 'accuracy alert raised', fields: [['modelType', 'model_type'], ['accuracy', 'accuracy'], ['sampleSize', 'sample_size'], ['threshold', 'threshold']] },
  AccuracyAlertCleared: { level: 'info', msg: 'accuracy alert cleared', fields: [['modelType', 'model_type'], ['accuracy', 'accuracy'], ['reason', 'reason']] },
};

export const OPS_LOG_SAGA = 'ops-log';

/**
 * One structured log line per activation, (re)training, rollback and accuracy alert, with the
 * event's correlation id. It reads the log on its own checkpoint like a saga, so every such event
 * is logged once, whichever instance or process appended it.
 */
export class OpsLog implements Saga {
  readonly name = OPS_LOG_SAGA;
  readonly eventTypes = Object.keys(LINES);

  constructor(private readonly logger: JsonLogger) {}

  async handle(event: RecordedEvent): Promise<void> {
    const line = LINES[event.type];
    if (!line) return;
    const ctx: Record<string, unknown> = {
      event: event.type,
      stream: event.stream,
      position: String(event.position),
      correlation_id: event.metadata.correlationId,
      tenant_id: event.metadata.tenantId,
    };
    const data = event.data as Record<string, unknown>;
    for (const [from, to] of line.fields) if (data[from] !== undefined) ctx[to] = data[from];
    const msg = event.type === 'ModelTrained' && data.trigger === 'retraining' ? 'model retrained' : line.msg;
    this.logger.runnerLogger('ops')[line.level === 'warn' ? 'warn' : 'log'](msg, ctx);
  }
}

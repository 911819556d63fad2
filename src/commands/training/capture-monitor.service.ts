import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { streamName } from '../../domain/shared/events';
import { CaptureMonitorState, captureMonitorDecider } from '../../domain/training/capture-monitor.decider';
import { CAPTURE_MONITOR_CATEGORY } from '../../domain/training/capture-monitor.events';
import { TRAINING_MONITORING_QUERY, TrainingMonitoringReader } from '../../ports/training-monitoring.query';
import { Decide } from '../../runtime/decide';

export interface Evaluation {
  readonly state: CaptureMonitorState;
  readonly position: number;
}

/**
 * Decides the stalled-capture alert from the monitoring read model and the clock. Runs on the
 * monitoring tick and on demand (never from a query); the decider makes repeats harmless.
 */
@Injectable()
export class CaptureMonitorService {
  private readonly logger = new Logger('capture-monitor');

  constructor(
    private readonly commandBus: CommandBus,
    @Inject(TRAINING_MONITORING_QUERY) private readonly monitoring: TrainingMonitoringReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async evaluate(tenantId: string, at: Date = this.clock.now()): Promise<Evaluation> {
    const flow = await this.monitoring.captureFlow(tenantId);
    const iso = at.toISOString();
    const result = await this.commandBus.execute(
      new Decide(streamName(CAPTURE_MONITOR_CATEGORY, tenantId), captureMonitorDecider, { kind: 'evaluate', tenantId, flow, at: iso }, {
        tenantId,
        actorId: 'monitor:capture',
        commandId: `capture-monitor:${tenantId}:evaluate:${iso}`,
        correlationId: `capture-monitor:${tenantId}`,
        causationId: null,
      }),
    );
    return { state: result.state, position: result.position };
  }

  /** Every tenant the monitoring read model has seen. */
  async evaluateAll(at: Date = this.clock.now()): Promise<Map<string, Evaluation>> {
    const out = new Map<string, Evaluation>();
    for (const tenantId of await this.tenants()) {
      try {
        out.set(tenantId, await this.evaluate(tenantId, at));
      } catch (error) {
        this.logger.error(`capture monitor failed for tenant ${tenantId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return out;
  }

  tenants(): Promise<string[]> {
    return this.monitoring.tenants();
  }
}

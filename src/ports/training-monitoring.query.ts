import type { CaptureFlow } from '../domain/training/capture-monitor.decider';

/** Reads of the training-monitoring read model for the capture monitor; the training feature binds it. */
export const TRAINING_MONITORING_QUERY = Symbol('TRAINING_MONITORING_QUERY');

export interface TrainingMonitoringReader {
  /** The tenant's capture flow as the read model has it (no capture, no reading: all empty). */
  captureFlow(tenantId: string): Promise<CaptureFlow>;
  /** Every tenant the monitoring read model has seen. */
  tenants(): Promise<string[]>;
}

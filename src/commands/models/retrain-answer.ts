import { toWire } from '../../http/conventions';
import { RetrainOutcome } from './retraining.service';

/** A retraining run on the wire (HTTP and `models:retrain`): snake_case at every depth, the evaluation included. */
export function retrainAnswer(outcome: RetrainOutcome) {
  return toWire({
    model_type: outcome.modelType,
    version: outcome.version,
    decision: outcome.decision,
    repeated: outcome.repeated,
    reason: outcome.reason,
    failures: outcome.failures,
    previous_version: outcome.previousVersion,
    evaluation: outcome.evaluation,
    timings: outcome.timings,
    position: String(outcome.position),
  });
}

/** The runner lives in the runtime; projections and their queries import it from here. */
export { ProjectionRunner, RUNNER_LEASE } from '../../runtime/projection-runner';
export type { ProjectionStatus, RunnerLogger, RunnerOptions } from '../../runtime/projection-runner';

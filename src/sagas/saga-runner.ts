/** The runner lives in the runtime; sagas import its contract from here. */
export { SagaRunner } from '../runtime/saga-runner';
export type { Saga, SagaStatus } from '../runtime/saga-runner';

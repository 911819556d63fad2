import { COMPONENT_SCHEMAS } from './components';
import { OperationResponse } from './fragments';
import { MODEL_OPERATIONS } from './operations-models';
import { RECORD_OPERATIONS } from './operations-records';
import { TRAINING_OPERATIONS } from './operations-training';

/*
 * What every operation answers, for `/api/docs` and docs/API.md: the success's schema (snake_case,
 * as on the wire) and the error codes the operation can answer beyond the ones its kind always can
 * (see commonErrors in ../openapi-operations.ts). Kept beside the summaries rather than on the
 * controllers, which stay about behaviour; the e2e suites hold every real answer they receive to
 * these schemas (test/support/openapi-check.ts), and a test holds every operation to having one.
 */
/*
 * Split by concern: the example values (examples.ts), the shared component schemas (base and
 * record-schemas.ts, model-schemas.ts, assembled in components.ts), partial schemas several
 * operations answer (fragments.ts), and the operations per feature (operations-*.ts).
 */

export { COMPONENT_SCHEMAS };
export type { OperationResponse };

/** Keyed by method and OpenAPI path, like OPERATION_SUMMARIES. */
export const OPERATION_RESPONSES: Readonly<Record<string, OperationResponse>> = { ...RECORD_OPERATIONS, ...TRAINING_OPERATIONS, ...MODEL_OPERATIONS };

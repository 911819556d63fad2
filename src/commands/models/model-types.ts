import { MODEL_TYPES } from '../../domain/models/model.events';
import { ValidationError } from '../../domain/shared/errors';

/** Model types the registry knows; only the conflict predictor exists so far. */
export function assertTrainableType(modelType: string): void {
  if (!(MODEL_TYPES as readonly string[]).includes(modelType)) {
    throw new ValidationError(`model_type must be one of: ${MODEL_TYPES.join(', ')}`, { fields: { model_type: [`unknown model type ${modelType}`] } });
  }
}

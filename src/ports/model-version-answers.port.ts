import type { ModelRegistered, ModelTrained } from '../domain/models/model.events';

/** How the model registry read model shows a version; training and upload answer with it (bound in the models feature). */
export const MODEL_VERSION_ANSWERS = Symbol('MODEL_VERSION_ANSWERS');

export interface ModelVersionAnswers {
  /** A version just trained, on the wire as the registry will answer it. */
  trained(data: ModelTrained['data']): Record<string, unknown>;
  /** A version just registered (uploaded), on the wire as the registry will answer it. */
  registered(data: ModelRegistered['data']): Record<string, unknown>;
}

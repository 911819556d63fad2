/** Accuracy of recorded outcomes; the accuracy read model answers it (bound in the predictions feature). */
export const ACCURACY_QUERY = Symbol('ACCURACY_QUERY');

export interface AccuracyCount {
  readonly correct: number;
  readonly total: number;
}

export interface AccuracyQuery {
  /** Outcomes of predictions made in [fromMs, toMs] (to the hour), of one version or all. */
  accuracy(modelType: string, options: { version?: string; fromMs: number; toMs: number }): Promise<AccuracyCount>;
  /** The model types whose accuracy alert is open. */
  alerts(): Promise<readonly { readonly model_type: string }[]>;
}

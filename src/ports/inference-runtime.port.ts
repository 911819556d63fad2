/**
 * Port for running an ONNX model in process. The domain only needs positive-class probabilities,
 * so a LoadedModel hides the runtime's tensors and output naming behind `predict`.
 */
export const INFERENCE_RUNTIME = Symbol('INFERENCE_RUNTIME');

export interface LoadedModel {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Name of the output `predict` reads the positive-class probability from. */
  readonly probabilityOutput: string;
  /** Positive-class probability per row, in row order. */
  predict(rows: readonly (readonly number[])[]): Promise<number[]>;
  release(): Promise<void>;
}

/** What validation learned about an accepted model, worth recording with its registration. */
export interface ConflictModelSignature {
  readonly inputName: string;
  readonly inputShape: readonly (number | string)[];
  readonly probabilityOutput: string;
  readonly probabilityColumns: 1 | 2;
  readonly outputNames: readonly string[];
}

export interface InferenceRuntime {
  /** Creates a session only for a model that passes the same rules as an upload (else UnprocessableError). */
  load(modelBytes: Buffer): Promise<LoadedModel>;
  /** Throws UnprocessableError, saying what is wrong, when the bytes break the conflict model contract. */
  validateConflictModel(modelBytes: Buffer): Promise<ConflictModelSignature>;
}

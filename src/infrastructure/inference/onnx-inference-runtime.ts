/**
 * onnxruntime-node adapter for the INFERENCE_RUNTIME port. Accepts the contract of
 * POST /api/v2/ml/models: one float32 input [N, 5] and a probability output [N, 2] (class 1 in
 * column 1) or [N, 1] / [N] (the positive class), as skl2onnx writes with zipmap off.
 */
import * as ort from 'onnxruntime-node';
import { UnprocessableError } from '../../domain/shared/errors';
import { ConflictModelSignature, InferenceRuntime, LoadedModel } from './inference-runtime.port';

export const CONFLICT_MODEL_WIDTH = 5;

export interface OnnxRuntimeOptions {
  /** One thread per session suits single-row, latency-bound predictions in a web process. */
  readonly intraOpNumThreads?: number;
}

type TensorMetadata = ort.InferenceSession.TensorValueMetadata;
const FLOAT_TYPES: readonly string[] = ['float32', 'float64'];

function tensorMetadata(list: readonly ort.InferenceSession.ValueMetadata[]): TensorMetadata[] {
  return list.filter((m): m is TensorMetadata => m.isTensor);
}

/** A dimension is acceptable as "N" when symbolic or unknown; ORT reports those as strings or -1. */
function isDynamic(dim: number | string | undefined): boolean {
  return dim === undefined || typeof dim === 'string' || dim < 0;
}

/**
 * The probability output: a float tensor named like "prob…" if there is one, else the float
 * tensor whose last dimension is 2 or 1. Labels (int64) and zipmap sequences never qualify.
 */
function findProbabilityOutput(outputs: readonly ort.InferenceSession.ValueMetadata[]): TensorMetadata | undefined {
  const candidates = tensorMetadata(outputs).filter((m) => FLOAT_TYPES.includes(m.type));
  const lastDimFits = (m: TensorMetadata): boolean => {
    const last = m.shape[m.shape.length - 1];
    return m.shape.length === 1 || isDynamic(last) || last === 1 || last === 2;
  };
  return (
    candidates.find((m) => /prob/i.test(m.name) && lastDimFits(m)) ??
    candidates.find((m) => m.shape.length === 2 && (m.shape[1] === 2 || m.shape[1] === 1)) ??
    (candidates.length === 1 && lastDimFits(candidates[0]) ? candidates[0] : undefined)
  );
}

class OnnxLoadedModel implements LoadedModel {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];

  readonly probabilityOutput: string;
  private readonly inputName: string;
  private readonly inputType: 'float32' | 'float64';

  constructor(
    private readonly session: ort.InferenceSession,
    readonly input: TensorMetadata & { type: 'float32' | 'float64' },
    readonly probability: TensorMetadata,
  ) {
    this.inputNames = [...session.inputNames];
    this.outputNames = [...session.outputNames];
    this.inputName = input.name;
    this.inputType = input.type;
    this.probabilityOutput = probability.name;
  }

  async predict(rows: readonly (readonly number[])[]): Promise<number[]> {
    return (await this.predictDetailed(rows)).probabilities;
  }

  /** Also reports how many probability columns the model produced (2: both classes, 1: positive only). */
  async predictDetailed(rows: readonly (readonly number[])[]): Promise<{ probabilities: number[]; columns: 1 | 2 }> {
    if (rows.length === 0) return { probabilities: [], columns: 2 };
    const width = rows[0].length;
    const data = this.inputType === 'float32' ? new Float32Array(rows.length * width) : new Float64Array(rows.length * width);
    rows.forEach((row, i) => {
      if (row.length !== width) throw new UnprocessableError(`row ${i} has ${row.length} features, expected ${width}`);
      data.set(row, i * width);
    });
    const feeds = { [this.inputName]: new ort.Tensor(this.inputType, data, [rows.length, width]) };
    const result = await this.session.run(feeds, [this.probabilityOutput]);
    return positiveColumn(result[this.probabilityOutput], rows.length, this.probabilityOutput);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** Reads class 1 from [N,2], or the single column of [N,1] / [N]. */
function positiveColumn(value: ort.OnnxValue | undefined, n: number, name: string): { probabilities: number[]; columns: 1 | 2 } {
  if (!(value instanceof ort.Tensor)) throw new UnprocessableError(`model output ${name} is not a tensor`);
  const dims = value.dims;
  const columns = dims.length === 1 ? 1 : dims.length === 2 ? dims[1] : -1;
  if (dims[0] !== n || (columns !== 1 && columns !== 2)) {
    throw new UnprocessableError(`model output ${name} has shape [${dims.join(', ')}]; expected [${n}, 2] or [${n}, 1]`);
  }
  const data = value.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new UnprocessableError(`model output ${name} is ${value.type}, expected float probabilities`);
  }
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = data[i * columns + columns - 1];
  return { probabilities: out, columns };
}

/** Rows that exercise a model the way production will: a mix of quiet and busy syncs. */
const PROBE_ROWS: readonly (readonly number[])[] = [
  [0, 168, 0, 0, 0],
  [1, 2.5, 0.1, 0.5, 0.5],
  [3, 0.1, 0.6, 4, 1],
];

export class OnnxInferenceRuntime implements InferenceRuntime {
  constructor(private readonly options: OnnxRuntimeOptions = {}) {}

  async load(modelBytes: Buffer): Promise<OnnxLoadedModel> {
    const session = await this.createSession(modelBytes);
    try {
      const inputs = tensorMetadata(session.inputMetadata);
      const input = inputs[0];
      if (session.inputMetadata.length !== 1 || input === undefined) {
        throw new UnprocessableError(`model must have exactly one tensor input, found ${session.inputMetadata.length} inputs: ${session.inputNames.join(', ')}`);
      }
      if (!isFloatInput(input)) {
        throw new UnprocessableError(`model input ${input.name} is ${input.type}; expected float32`);
      }
      const probability = findProbabilityOutput(session.outputMetadata);
      if (probability === undefined) {
        throw new UnprocessableError(
          `model has no float probability output of shape [N, 2] or [N, 1] (outputs: ${describe(session.outputMetadata)}); skl2onnx exports need zipmap off`,
        );
      }
      return new OnnxLoadedModel(session, input, probability);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  async validateConflictModel(modelBytes: Buffer): Promise<ConflictModelSignature> {
    const model = await this.load(modelBytes);
    try {
      // load() already found one float input and a probability output; check the contract's specifics.
      const { input } = model;
      if (input.type !== 'float32') throw new UnprocessableError(`model input ${input.name} is ${input.type}; the contract is float32`);
      const shape = input.shape;
      if (shape.length !== 2 || !isDynamic(shape[0]) || !(isDynamic(shape[1]) || shape[1] === CONFLICT_MODEL_WIDTH)) {
        throw new UnprocessableError(
          `model input ${input.name} has shape [${shape.join(', ')}]; expected [N, ${CONFLICT_MODEL_WIDTH}] with a dynamic batch N (the five conflict features)`,
        );
      }
      const { probabilities, columns } = await model.predictDetailed(PROBE_ROWS).catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        throw new UnprocessableError(`model failed on a probe batch of ${PROBE_ROWS.length} rows x ${CONFLICT_MODEL_WIDTH} features: ${reason}`);
      });
      const bad = probabilities.find((p) => !Number.isFinite(p) || p < 0 || p > 1);
      if (bad !== undefined) {
        throw new UnprocessableError(`model output ${model.probabilityOutput} gave ${bad} on the probe batch; probabilities must lie in [0, 1]`);
      }
      return {
        inputName: input.name,
        inputShape: [...shape],
        probabilityOutput: model.probabilityOutput,
        probabilityColumns: columns,
        outputNames: model.outputNames,
      };
    } finally {
      await model.release();
    }
  }

  private async createSession(modelBytes: Buffer): Promise<ort.InferenceSession> {
    if (modelBytes.length === 0) throw new UnprocessableError('model file is empty');
    try {
      return await ort.InferenceSession.create(modelBytes, {
        intraOpNumThreads: this.options.intraOpNumThreads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UnprocessableError(`not a loadable ONNX model: ${reason}`);
    }
  }
}

function isFloatInput(m: TensorMetadata): m is TensorMetadata & { type: 'float32' | 'float64' } {
  return m.type === 'float32' || m.type === 'float64';
}

function describe(list: readonly ort.InferenceSession.ValueMetadata[]): string {
  return list.map((m) => (m.isTensor ? `${m.name} ${m.type} [${m.shape.join(', ')}]` : `${m.name} (non-tensor)`)).join('; ');
}

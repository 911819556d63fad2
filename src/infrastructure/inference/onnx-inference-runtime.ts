/**
 * onnxruntime-node adapter for the INFERENCE_RUNTIME port. Accepts the contract of
 * POST /api/v2/ml/models: one float32 input [N, 5] and a probability output [N, 2] (class 1 in
 * column 1) or [N, 1] (the positive class), as skl2onnx writes with zipmap off. A model reaches
 * an in-process session only after the policy check (onnx-model-policy) and the isolated probe.
 */
import { Logger } from '@nestjs/common';
import * as ort from 'onnxruntime-node';
import { UnprocessableError } from '../../domain/shared/errors';
import { ConflictModelSignature, InferenceRuntime, LoadedModel } from '../../ports/inference-runtime.port';
import { checkModelPolicy } from './onnx-model-policy';
import { ProbeOutcome, ProbeTensor, probeModel } from './onnx-probe';

export const CONFLICT_MODEL_WIDTH = 5;

export interface OnnxRuntimeOptions {
  /** One thread per session suits single-row, latency-bound predictions in a web process. */
  readonly intraOpNumThreads?: number;
  readonly probeAddressSpaceMb?: number;
  readonly probeTimeoutMs?: number;
}

type TensorMetadata = ort.InferenceSession.TensorValueMetadata;

function tensorMetadata(list: readonly ort.InferenceSession.ValueMetadata[]): TensorMetadata[] {
  return list.filter((m): m is TensorMetadata => m.isTensor);
}

/** A dimension is acceptable as "N" when symbolic or unknown; ORT reports those as strings or -1. */
function isDynamic(dim: number | string | undefined): boolean {
  return dim === undefined || typeof dim === 'string' || dim < 0;
}

/**
 * The probability output: a float32 tensor [N, 2] or [N, 1] named like "prob…" if there is one,
 * else the only such tensor. Labels (int64) and zipmap sequences never qualify.
 */
function findProbabilityOutput(outputs: readonly ProbeTensor[]): ProbeTensor | undefined {
  const candidates = outputs.filter((m) => m.isTensor && m.type === 'float32');
  const lastDimFits = (m: ProbeTensor): boolean => m.shape.length === 2 && (m.shape[1] === 1 || m.shape[1] === 2);
  const fitting = candidates.filter(lastDimFits);
  return fitting.find((m) => /prob/i.test(m.name)) ?? (fitting.length === 1 ? fitting[0] : undefined);
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

  /** Runs at most MAX_BATCH_ROWS rows at a time: the probe ran that many under its memory cap. */
  async predict(rows: readonly (readonly number[])[]): Promise<number[]> {
    const out: number[] = [];
    for (let start = 0; start < rows.length; start += MAX_BATCH_ROWS) out.push(...(await this.run(rows.slice(start, start + MAX_BATCH_ROWS))));
    return out;
  }

  private async run(rows: readonly (readonly number[])[]): Promise<number[]> {
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

/** Reads class 1 from [N,2], or the single column of [N,1]. */
function positiveColumn(value: ort.OnnxValue | undefined, n: number, name: string): number[] {
  if (!(value instanceof ort.Tensor)) throw new UnprocessableError(`model output ${name} is not a tensor`);
  const dims = value.dims;
  const columns = dims.length === 2 ? dims[1] : -1;
  if (dims[0] !== n || (columns !== 1 && columns !== 2)) {
    throw new UnprocessableError(`model output ${name} has shape [${dims.join(', ')}]; expected [${n}, 2] or [${n}, 1]`);
  }
  const data = value.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new UnprocessableError(`model output ${name} is ${value.type}, expected float probabilities`);
  }
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = data[i * columns + columns - 1];
  return out;
}

/**
 * Batch sizes the probe runs: one row (serving), a mix of three, and the largest batch predict()
 * hands onnxruntime, so what serving and evaluation allocate was seen under the probe's cap.
 */
export const MAX_BATCH_ROWS = 1024;
const PROBE_BATCHES: readonly number[] = [1, 3, MAX_BATCH_ROWS];

export class OnnxInferenceRuntime implements InferenceRuntime {
  private readonly logger = new Logger(OnnxInferenceRuntime.name);
  /** One probe process at a time: each may take up to its address-space cap. */
  private probes: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: OnnxRuntimeOptions = {}) {}

  /** Every session, served or evaluated, is created only after the model passed the same gate as an upload. */
  async load(modelBytes: Buffer): Promise<OnnxLoadedModel> {
    const signature = await this.validateConflictModel(modelBytes);
    const session = await this.createSession(modelBytes);
    const input = tensorMetadata(session.inputMetadata).find((m) => m.name === signature.inputName);
    const probability = tensorMetadata(session.outputMetadata).find((m) => m.name === signature.probabilityOutput);
    if (!input || !isFloatInput(input) || !probability) {
      await session.release();
      throw new UnprocessableError('model refused: its session does not match the validated signature');
    }
    return new OnnxLoadedModel(session, input, probability);
  }

  async validateConflictModel(modelBytes: Buffer): Promise<ConflictModelSignature> {
    checkModelPolicy(modelBytes);
    const probe = this.probes.then(() =>
      probeModel(modelBytes, {
        addressSpaceMb: this.options.probeAddressSpaceMb ?? DEFAULT_PROBE_ADDRESS_SPACE_MB,
        timeoutMs: this.options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
        batchSizes: PROBE_BATCHES,
      }),
    );
    this.probes = probe.catch(() => undefined);
    const outcome = await probe;
    if (outcome.kind !== 'loaded') {
      // onnxruntime's own text names server paths: it goes to the log, never into the answer.
      this.logger.warn(`model probe ${outcome.kind}: ${outcome.detail}`);
      throw new UnprocessableError(PROBE_FAILURES[outcome.kind]);
    }
    return signatureOf(outcome);
  }

  private async createSession(modelBytes: Buffer): Promise<ort.InferenceSession> {
    try {
      return await ort.InferenceSession.create(modelBytes, {
        intraOpNumThreads: this.options.intraOpNumThreads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      });
    } catch (error) {
      this.logger.warn(`model session failed: ${error instanceof Error ? error.message : String(error)}`);
      throw new UnprocessableError(PROBE_FAILURES['load-failed']);
    }
  }
}

const DEFAULT_PROBE_ADDRESS_SPACE_MB = 1536;
const DEFAULT_PROBE_TIMEOUT_MS = 20_000;

const PROBE_FAILURES: Record<Exclude<ProbeOutcome['kind'], 'loaded'>, string> = {
  'load-failed': 'not a loadable ONNX model: onnxruntime could not create a session from it',
  'run-failed': `model failed on the probe batches (${PROBE_BATCHES.join(', ')} rows x ${CONFLICT_MODEL_WIDTH} features)`,
  crashed: 'model refused: loading or running it exceeded the probe memory limit or crashed the probe',
  'timed-out': 'model refused: loading and probing it took longer than allowed',
  'bad-answer': 'model refused: the probe gave no usable answer',
};

/** The conflict contract, checked on what onnxruntime reported and produced in the probe process. */
function signatureOf(outcome: Extract<ProbeOutcome, { kind: 'loaded' }>): ConflictModelSignature {
  const input = outcome.inputs[0];
  if (outcome.inputs.length !== 1 || input === undefined || !input.isTensor) {
    throw new UnprocessableError(`model must have exactly one tensor input, found ${outcome.inputs.length} inputs`);
  }
  if (input.type !== 'float32') throw new UnprocessableError(`model input ${input.name} is ${input.type}; the contract is float32`);
  const shape = input.shape;
  if (shape.length !== 2 || !isDynamic(shape[0]) || !(isDynamic(shape[1]) || shape[1] === CONFLICT_MODEL_WIDTH)) {
    throw new UnprocessableError(
      `model input ${input.name} has shape [${shape.join(', ')}]; expected [N, ${CONFLICT_MODEL_WIDTH}] with a dynamic batch N (the five conflict features)`,
    );
  }
  const probability = findProbabilityOutput(outcome.outputs);
  if (probability === undefined) {
    throw new UnprocessableError('model has no float probability output of shape [N, 2] or [N, 1]; skl2onnx exports need zipmap off');
  }
  let columns: 1 | 2 = 2;
  for (const batch of outcome.batches) {
    const result = batch.outputs[probability.name];
    const [rows, width] = result?.dims ?? [];
    if (result?.dims.length !== 2 || rows !== batch.rows || (width !== 1 && width !== 2)) {
      throw new UnprocessableError(`model output ${probability.name} does not have shape [N, 2] or [N, 1] on a probe batch of ${batch.rows} rows`);
    }
    if (!result.probabilities) throw new UnprocessableError(`model output ${probability.name} gave values outside [0, 1] on the probe batches`);
    columns = width;
  }
  if (outcome.batches.length !== PROBE_BATCHES.length) throw new UnprocessableError('model did not run the probe batches');
  return { inputName: input.name, inputShape: [...shape], probabilityOutput: probability.name, probabilityColumns: columns, outputNames: outcome.outputs.map((o) => o.name) };
}

function isFloatInput(m: TensorMetadata): m is TensorMetadata & { type: 'float32' | 'float64' } {
  return m.type === 'float32' || m.type === 'float64';
}

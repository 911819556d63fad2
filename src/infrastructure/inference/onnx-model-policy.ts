/**
 * What an uploaded conflict model may contain, checked on the whole decoded model before
 * onnxruntime sees a byte. Every tensor is found wherever it sits (initializers, sparse
 * initializers, node attributes, subgraphs, functions, training info) and must be inline and
 * small; every node must be an operator a conflict predictor needs. Messages name the rule only:
 * they never echo tensor contents, paths or onnxruntime's text.
 */
import { UnprocessableError } from '../../domain/shared/errors';
import { DecodedMessage, MalformedModelError, count, decodeOnnxModel, int, ints, messages, text } from './onnx-wire-walker';

export const MAX_TENSOR_ELEMENTS = 1_000_000;
export const MAX_NODES = 10_000;

/** Operators by domain. No control flow, no shape-generating or repeating operators, no custom domains. */
export const ALLOWED_OPERATORS: Readonly<Record<string, readonly string[]>> = {
  '': [
    'Abs', 'Add', 'ArgMax', 'Cast', 'Clip', 'Concat', 'Constant', 'Div', 'Exp', 'Flatten', 'Gemm', 'Identity', 'Log',
    'MatMul', 'Max', 'Min', 'Mul', 'Neg', 'Reciprocal', 'Relu', 'Reshape', 'Sigmoid', 'Slice', 'Softmax', 'Sqrt',
    'Squeeze', 'Sub', 'Sum', 'Tanh', 'Transpose', 'Unsqueeze',
  ],
  'ai.onnx.ml': [
    'ArrayFeatureExtractor', 'Binarizer', 'Imputer', 'LinearClassifier', 'LinearRegressor', 'Normalizer', 'Scaler',
    'TreeEnsembleClassifier', 'TreeEnsembleRegressor',
  ],
};

const DATA_TYPE_FLOAT = 1n;
/** ONNX's own file identifier check: onnxruntime treats bytes with "ORTM" at offset 4 as its flatbuffer format. */
const ORT_FORMAT_ID = Buffer.from('ORTM');

function refuse(rule: string): never {
  throw new UnprocessableError(`model refused: ${rule}`);
}

function checkTensor(tensor: DecodedMessage, where: string): void {
  if (count(tensor, 'external_data') > 0 || ints(tensor, 'data_location').some((v) => v !== 0n)) {
    refuse(`a tensor (${where}) uses external data; every tensor must be stored inside the model file`);
  }
  if (count(tensor, 'segment') > 0) refuse(`a tensor (${where}) is segmented; segmented tensors are not accepted`);
  checkElements(ints(tensor, 'dims'), where);
}

function checkElements(dims: readonly bigint[], where: string): void {
  let elements = 1n;
  for (const d of dims) {
    if (d < 0n || d > BigInt(MAX_TENSOR_ELEMENTS)) refuse(`a tensor (${where}) has more than ${MAX_TENSOR_ELEMENTS} elements`);
    elements *= d;
    if (elements > BigInt(MAX_TENSOR_ELEMENTS)) refuse(`a tensor (${where}) has more than ${MAX_TENSOR_ELEMENTS} elements`);
  }
}

function checkSparse(sparse: DecodedMessage, where: string): void {
  for (const part of [...messages(sparse, 'values'), ...messages(sparse, 'indices')]) checkTensor(part, where);
  checkElements(ints(sparse, 'dims'), where);
}

/** Pass 1: every tensor anywhere, before any other rule, so external data is always named as the reason. */
function walkTensors(message: DecodedMessage, where: string): void {
  for (const [field, values] of message.fields) {
    for (const value of values) {
      if (typeof value !== 'object' || !('type' in value)) continue;
      const here = `${where}.${field}`;
      if (value.type === 'TensorProto') checkTensor(value, here);
      else if (value.type === 'SparseTensorProto') checkSparse(value, here);
      else walkTensors(value, here);
    }
  }
}

function checkNode(node: DecodedMessage, where: string): void {
  const opType = text(node, 'op_type');
  const domain = text(node, 'domain') === 'ai.onnx' ? '' : text(node, 'domain');
  if (!(ALLOWED_OPERATORS[domain] ?? []).includes(opType)) {
    refuse(`operator ${domain ? `${domain}.` : ''}${opType || '(none)'} (${where}) is not on the allowed list`);
  }
  for (const attribute of messages(node, 'attribute')) {
    if (count(attribute, 'g') + count(attribute, 'graphs') > 0) refuse(`operator ${opType} (${where}) carries a subgraph`);
    for (const list of ['floats', 'ints', 'strings']) {
      if (count(attribute, list) > MAX_TENSOR_ELEMENTS) refuse(`an attribute of ${opType} (${where}) has more than ${MAX_TENSOR_ELEMENTS} values`);
    }
  }
}

function declaredDims(valueInfo: DecodedMessage): { elemType: bigint | null; dims: (bigint | string)[] } | null {
  const tensorType = messages(valueInfo, 'type').flatMap((t) => messages(t, 'tensor_type'))[0];
  if (!tensorType) return null;
  const shape = messages(tensorType, 'shape')[0];
  const dims = shape ? messages(shape, 'dim').map((d) => int(d, 'dim_value') ?? text(d, 'dim_param')) : [];
  return { elemType: int(tensorType, 'elem_type'), dims };
}

/** The graph's output must declare a float probability tensor [N, 2] or [N, 1]. */
function checkOutputs(graph: DecodedMessage): void {
  const outputs = messages(graph, 'output');
  const fits = outputs.some((o) => {
    const declared = declaredDims(o);
    if (!declared || declared.elemType !== DATA_TYPE_FLOAT || declared.dims.length !== 2) return false;
    const [rows, columns] = declared.dims;
    return typeof rows === 'string' && (columns === 1n || columns === 2n);
  });
  if (!fits) refuse('no output is declared as float probabilities of shape [N, 2] or [N, 1] with a symbolic batch N');
}

/**
 * Throws UnprocessableError naming the first rule the model breaks. Cheap (one pass over the
 * bytes): it guards both registration and every session the server creates.
 */
export function checkModelPolicy(bytes: Buffer): void {
  if (bytes.length === 0) throw new UnprocessableError('model file is empty');
  if (bytes.length >= 8 && bytes.subarray(4, 8).equals(ORT_FORMAT_ID)) refuse('onnxruntime format files are not accepted, only ONNX');
  let model: DecodedMessage;
  try {
    model = decodeOnnxModel(bytes);
  } catch (error) {
    if (error instanceof MalformedModelError) throw new UnprocessableError(`not a loadable ONNX model: it does not decode against the ONNX schema (${error.message})`);
    throw error;
  }
  walkTensors(model, 'model');
  if (count(model, 'training_info') > 0) refuse('training information is not accepted');
  if (count(model, 'functions') > 0) refuse('model-local functions are not accepted');
  const graphs = messages(model, 'graph');
  if (graphs.length !== 1) refuse('a model must hold exactly one graph');
  const nodes = messages(graphs[0], 'node');
  if (nodes.length > MAX_NODES) refuse(`more than ${MAX_NODES} nodes`);
  nodes.forEach((node, i) => checkNode(node, `node ${i}`));
  for (const valueInfo of [...messages(graphs[0], 'input'), ...messages(graphs[0], 'output'), ...messages(graphs[0], 'value_info')]) {
    const declared = declaredDims(valueInfo);
    if (declared) checkElements(declared.dims.filter((d): d is bigint => typeof d === 'bigint'), 'a declared shape');
  }
  checkOutputs(graphs[0]);
}

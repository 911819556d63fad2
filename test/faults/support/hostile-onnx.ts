/**
 * Hostile conflict models: each one fits the upload contract (float input [N,5], float
 * probabilities [N,2]) so it reaches the probe, and hides something the server must refuse.
 */
import { ATTR, DT, Field, attribute, graph, graphAttr, model, node, tensor, tensorAttr, valueInfo } from './onnx-wire';

const IO = {
  inputs: [valueInfo('float_input', DT.FLOAT, ['N', 5])],
  outputs: [valueInfo('probabilities', DT.FLOAT, ['N', 2])],
};
const zeroWeights = (name = 'W'): Field[] => tensor({ name, dataType: DT.FLOAT, dims: [5, 2], floats: Array<number>(10).fill(0) });
const castToFloat = (from: string, to: string): Field[] => node('Cast', [from], [to], [attribute('to', ATTR.INT, [{ n: 3, varint: DT.FLOAT }])]);

/** Two bytes of a file as a uint8 tensor read by onnxruntime from `location`. */
export const externalBytes = (name: string, location: string, offset: number): Field[] =>
  tensor({ name, dataType: DT.UINT8, dims: [2], external: { location, offset, length: 2 } });

/** probabilities = x·0 + float(secret): column 1 would carry a byte of the file. */
function leakGraph(extra: { nodes?: Field[][]; initializers?: Field[][]; sparse?: Field[][] }): Field[] {
  return graph({
    nodes: [...(extra.nodes ?? []), castToFloat('secret', 'sf'), node('MatMul', ['float_input', 'W'], ['z']), node('Add', ['z', 'sf'], ['probabilities'])],
    initializers: [zeroWeights(), ...(extra.initializers ?? [])],
    sparseInitializers: extra.sparse,
    ...IO,
  });
}

export const leakViaInitializer = (location: string, offset: number): Buffer => model({ graph: leakGraph({ initializers: [externalBytes('secret', location, offset)] }) });

export const leakViaConstantAttribute = (location: string): Buffer =>
  model({ graph: leakGraph({ nodes: [node('Constant', [], ['secret'], [tensorAttr('value', externalBytes('v', location, 0))])] }) });

/** The external tensor sits in a `tensors` list attribute of an otherwise harmless node. */
export const leakViaTensorList = (location: string): Buffer =>
  model({
    graph: leakGraph({
      nodes: [node('Constant', [], ['secret'], [tensorAttr('value', tensor({ name: 'v', dataType: DT.UINT8, dims: [2], int32s: [0, 0] })), attribute('extra', ATTR.TENSORS, [{ n: 10, msg: externalBytes('v2', location, 0) }])])],
    }),
  });

export function leakViaIfSubgraph(location: string): Buffer {
  const branch = (name: string): Field[] =>
    graph({ name, nodes: [node('Constant', [], [`${name}_out`], [tensorAttr('value', externalBytes(`${name}_v`, location, 0))])], inputs: [], outputs: [valueInfo(`${name}_out`, DT.UINT8, [2])] });
  const cond = tensor({ name: 'cond', dataType: 9, dims: [], int32s: [1] });
  return model({ graph: leakGraph({ initializers: [cond], nodes: [node('If', ['cond'], ['secret'], [graphAttr('then_branch', branch('then')), graphAttr('else_branch', branch('else'))])] }) });
}

export function leakViaFunction(location: string): Buffer {
  const fn: Field[] = [
    { n: 1, bytes: 'Leak' },
    { n: 5, bytes: 'out' },
    { n: 7, msg: node('Constant', [], ['out'], [tensorAttr('value', externalBytes('v', location, 0))]) },
    { n: 9, msg: [{ n: 1, bytes: '' }, { n: 2, varint: 13 }] },
    { n: 10, bytes: 'local' },
  ];
  return model({ graph: leakGraph({ nodes: [node('Leak', [], ['secret'], [], 'local')] }), functions: [fn] });
}

export function leakViaSparseInitializer(location: string): Buffer {
  const sparse: Field[] = [
    { n: 1, msg: externalBytes('secret', location, 0) },
    { n: 2, msg: tensor({ name: 'secret_idx', dataType: DT.INT64, dims: [2], int64s: [0, 1] }) },
    { n: 3, varint: 2 },
  ];
  return model({ graph: leakGraph({ sparse: [sparse] }) });
}

export function leakViaTrainingInfo(location: string): Buffer {
  const init = graph({ nodes: [], initializers: [externalBytes('t', location, 0)], inputs: [], outputs: [] });
  const harmless = graph({ nodes: [castToFloat('secret', 'sf'), node('MatMul', ['float_input', 'W'], ['z']), node('Add', ['z', 'sf'], ['probabilities'])], initializers: [zeroWeights(), tensor({ name: 'secret', dataType: DT.UINT8, dims: [2], int32s: [0, 0] })], ...IO });
  return model({ graph: harmless, trainingInfo: [[{ n: 1, msg: init }]] });
}

/** A tensor with a field number ONNX does not define: a partial parser skips it. */
export function unknownFieldInTensor(): Buffer {
  const w = [...zeroWeights(), { n: 99, bytes: 'hidden' }];
  return model({ graph: graph({ nodes: [node('MatMul', ['float_input', 'W'], ['z']), node('Sigmoid', ['z'], ['probabilities'])], initializers: [w], ...IO }) });
}

/** ConstantOfShape [side, side] of ones reduced to a scalar: a few hundred bytes writing side² floats. */
export function constantOfShapeBomb(side: number): Buffer {
  return model({
    graph: graph({
      nodes: [
        node('ConstantOfShape', ['shape'], ['big'], [tensorAttr('value', tensor({ name: 'v', dataType: DT.FLOAT, dims: [1], floats: [1] }))]),
        node('ReduceSum', ['big'], ['s'], [attribute('keepdims', ATTR.INT, [{ n: 3, varint: 0 }])]),
        node('MatMul', ['float_input', 'W'], ['z']),
        node('Add', ['z', 's'], ['z2']),
        node('Sigmoid', ['z2'], ['probabilities']),
      ],
      initializers: [zeroWeights(), tensor({ name: 'shape', dataType: DT.INT64, dims: [2], int64s: [side, side] })],
      ...IO,
    }),
  });
}

/** Sin is harmless, but not an operator a conflict predictor needs. */
export const disallowedOperator = (): Buffer =>
  model({ graph: graph({ nodes: [node('MatMul', ['float_input', 'W'], ['z']), node('Sin', ['z'], ['s']), node('Sigmoid', ['s'], ['probabilities'])], initializers: [zeroWeights()], ...IO }) });

/** Declares its probabilities as [N, K]: nothing in the structure says two columns. */
export const undeclaredOutputWidth = (): Buffer =>
  model({
    graph: graph({
      nodes: [node('MatMul', ['float_input', 'W'], ['z']), node('Sigmoid', ['z'], ['probabilities'])],
      initializers: [zeroWeights()],
      inputs: IO.inputs,
      outputs: [valueInfo('probabilities', DT.FLOAT, ['N', 'K'])],
    }),
  });

/** Three columns: not [N, 2] or [N, 1]. */
export const threeColumns = (): Buffer =>
  model({
    graph: graph({
      nodes: [node('MatMul', ['float_input', 'W3'], ['z']), node('Softmax', ['z'], ['probabilities'], [attribute('axis', ATTR.INT, [{ n: 3, varint: 1 }])])],
      initializers: [tensor({ name: 'W3', dataType: DT.FLOAT, dims: [5, 3], floats: Array<number>(15).fill(0) })],
      inputs: IO.inputs,
      outputs: [valueInfo('probabilities', DT.FLOAT, ['N', 3])],
    }),
  });

/**
 * Only allowed operators and tensors under a million elements, yet onnxruntime's constant folding
 * would materialise [1,000,000 x 1000] floats (4 GB): the probe's memory cap must stop it.
 */
export function broadcastBomb(): Buffer {
  const int64s = (name: string, values: number[]): Field[] => tensor({ name, dataType: DT.INT64, dims: [values.length], int64s: values });
  return model({
    graph: graph({
      nodes: [
        node('MatMul', ['A', 'B'], ['big']),
        node('Slice', ['big', 'starts', 'ends'], ['corner']),
        node('MatMul', ['float_input', 'W'], ['z']),
        node('Add', ['z', 'corner'], ['z2']),
        node('Sigmoid', ['z2'], ['probabilities']),
      ],
      initializers: [
        zeroWeights(),
        tensor({ name: 'A', dataType: DT.FLOAT, dims: [1_000_000, 1], raw: Buffer.alloc(4_000_000) }),
        tensor({ name: 'B', dataType: DT.FLOAT, dims: [1, 1000], raw: Buffer.alloc(4000) }),
        int64s('starts', [0, 0]),
        int64s('ends', [1, 2]),
      ],
      ...IO,
    }),
  });
}

import { UnprocessableError } from '../../domain/shared/errors';
import { exportConflictModelToOnnx } from '../../ml/onnx-export';
import { DT, Field, attribute, encode, graph, graphAttr, model, node, tensor, valueInfo } from '../../../test/faults/support/onnx-wire';
import * as hostile from '../../../test/faults/support/hostile-onnx';
import { checkModelPolicy } from './onnx-model-policy';

const refusal = (bytes: Buffer): string => {
  try {
    checkModelPolicy(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(UnprocessableError);
    return (error as Error).message;
  }
  throw new Error('the model was accepted');
};

const IO = { inputs: [valueInfo('float_input', DT.FLOAT, ['N', 5])], outputs: [valueInfo('probabilities', DT.FLOAT, ['N', 2])] };
const W = tensor({ name: 'W', dataType: DT.FLOAT, dims: [5, 2], floats: Array<number>(10).fill(0) });
const linear = (extra: { initializers?: Field[][]; sparse?: Field[][]; nodes?: Field[][] } = {}): Field[] =>
  graph({ nodes: [node('MatMul', ['float_input', 'W'], ['z']), node('Sigmoid', ['z'], ['probabilities']), ...(extra.nodes ?? [])], initializers: [W, ...(extra.initializers ?? [])], sparseInitializers: extra.sparse, ...IO });

describe('checkModelPolicy', () => {
  it("accepts the project's own export and a plain linear graph", () => {
    const own = exportConflictModelToOnnx({ scaler: { mean: [0, 0, 0, 0, 0], scale: [1, 1, 1, 1, 1] }, coefficients: [1, 2, 3, 4, 5], intercept: 0 });
    expect(() => checkModelPolicy(own)).not.toThrow();
    expect(() => checkModelPolicy(model({ graph: linear() }))).not.toThrow();
  });

  it.each([
    ['an initializer', hostile.leakViaInitializer('data/jwt-secret', 0)],
    ['a Constant attribute', hostile.leakViaConstantAttribute('data/jwt-secret')],
    ['a tensor-list attribute', hostile.leakViaTensorList('data/jwt-secret')],
    ['an If subgraph', hostile.leakViaIfSubgraph('data/jwt-secret')],
    ['a function', hostile.leakViaFunction('data/jwt-secret')],
    ['a sparse initializer', hostile.leakViaSparseInitializer('data/jwt-secret')],
    ['training info', hostile.leakViaTrainingInfo('data/jwt-secret')],
  ])('finds external data in %s', (_where, bytes) => {
    expect(refusal(bytes)).toMatch(/uses external data/);
  });

  it('refuses data_location EXTERNAL alone, and external_data entries alone', () => {
    const locationOnly: Field[] = [...tensor({ name: 'X', dataType: DT.FLOAT, dims: [1], floats: [0] }), { n: 14, varint: 1 }];
    expect(refusal(model({ graph: linear({ initializers: [locationOnly] }) }))).toMatch(/external data/);
    const entryOnly: Field[] = [...tensor({ name: 'E', dataType: DT.FLOAT, dims: [1], floats: [0] }), { n: 13, msg: [{ n: 1, bytes: 'location' }, { n: 2, bytes: 'x' }] }];
    expect(refusal(model({ graph: linear({ initializers: [entryOnly] }) }))).toMatch(/external data/);
  });

  it('counts elements of dense and sparse tensors, packed or not', () => {
    const big = tensor({ name: 'B', dataType: DT.FLOAT, dims: [1001, 1000] });
    expect(refusal(model({ graph: linear({ initializers: [big] }) }))).toMatch(/more than 1000000 elements/);
    const packed: Field[] = [{ n: 1, bytes: Buffer.from([0xe9, 0x07, 0xe8, 0x07]) }, { n: 2, varint: DT.FLOAT }, { n: 8, bytes: 'P' }];
    expect(refusal(model({ graph: linear({ initializers: [packed] }) }))).toMatch(/more than 1000000 elements/);
    const sparse: Field[] = [
      { n: 1, msg: tensor({ name: 'S', dataType: DT.FLOAT, dims: [1], floats: [1] }) },
      { n: 2, msg: tensor({ name: 'S_idx', dataType: DT.INT64, dims: [1], int64s: [0] }) },
      { n: 3, varint: 1_000_000 },
      { n: 3, varint: 1_000_000 },
    ];
    expect(refusal(model({ graph: linear({ sparse: [sparse] }) }))).toMatch(/more than 1000000 elements/);
  });

  it('refuses a singular message written twice, which protobuf would merge into a bigger one', () => {
    const half: Field[] = tensor({ name: 'T', dataType: DT.FLOAT, dims: [1_000_000] });
    const constant = node('Constant', [], ['c'], [[{ n: 1, bytes: 'value' }, { n: 20, varint: 4 }, { n: 5, msg: half }, { n: 5, msg: [{ n: 1, varint: 1_000_000 }] }]]);
    expect(refusal(model({ graph: linear({ nodes: [constant] }) }))).toMatch(/AttributeProto\.t appears more than once/);
  });

  it('refuses fields ONNX does not define, wrong wire types, truncation and deep nesting', () => {
    expect(refusal(hostile.unknownFieldInTensor())).toMatch(/TensorProto has a field 99/);
    const locationAsBytes: Field[] = [...tensor({ name: 'L', dataType: DT.FLOAT, dims: [1], floats: [0] }), { n: 14, bytes: 'x' }];
    expect(refusal(model({ graph: linear({ initializers: [locationAsBytes] }) }))).toMatch(/data_location has wire type 2/);
    const whole = model({ graph: linear() });
    expect(refusal(whole.subarray(0, whole.length - 3))).toMatch(/not a loadable ONNX model/);
    let deep: Field[] = [{ n: 1, varint: 1 }];
    for (let i = 0; i < 80; i++) deep = [{ n: 4, msg: [{ n: 1, msg: deep }] }];
    expect(refusal(encode([{ n: 7, msg: [{ n: 11, msg: [{ n: 2, msg: deep }] }] }]))).toMatch(/deeper than 64/);
  });

  it('refuses operators off the list, subgraphs, functions, training info and the onnxruntime format', () => {
    expect(refusal(hostile.disallowedOperator())).toMatch(/operator Sin/);
    expect(refusal(hostile.constantOfShapeBomb(16000))).toMatch(/operator ConstantOfShape/);
    expect(refusal(model({ graph: linear({ nodes: [node('Relu', ['z'], ['r'], [graphAttr('body', graph({ nodes: [], inputs: [], outputs: [] }))])] }) }))).toMatch(/subgraph/);
    expect(refusal(model({ graph: linear({ nodes: [node('Relu', ['z'], ['r'], [], 'com.microsoft')] }) }))).toMatch(/com\.microsoft\.Relu/);
    expect(refusal(model({ graph: linear(), functions: [[{ n: 1, bytes: 'F' }, { n: 10, bytes: 'local' }]] }))).toMatch(/functions/);
    expect(refusal(model({ graph: linear(), trainingInfo: [[{ n: 3, msg: [{ n: 1, bytes: 'a' }, { n: 2, bytes: 'b' }] }]] }))).toMatch(/training/);
    const ortFormat = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from('ORTM'), Buffer.alloc(16)]);
    expect(refusal(ortFormat)).toMatch(/onnxruntime format/);
    expect(refusal(model({ graph: linear({ nodes: [node('Relu', ['z'], ['r'], [attribute('big', 7, [{ n: 8, bytes: Buffer.alloc(1_000_001, 1) }])])] }) }))).toMatch(/more than 1000000 values/);
  });

  it('requires a float output declared [N, 2] or [N, 1]', () => {
    expect(refusal(hostile.undeclaredOutputWidth())).toMatch(/\[N, 2\] or \[N, 1\]/);
    expect(refusal(hostile.threeColumns())).toMatch(/\[N, 2\] or \[N, 1\]/);
  });
});

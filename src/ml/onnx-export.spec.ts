import { loadOnnxModelType } from './onnx-proto';
import { exportConflictModelToOnnx } from './onnx-export';

interface DecodedAttribute {
  name: string;
  floats?: number[];
  ints?: number[];
  s?: string;
}
interface DecodedModel {
  ir_version: number;
  opset_import: { domain?: string; version: number }[];
  graph: {
    node: { op_type: string; domain: string; input: string[]; output: string[]; attribute: DecodedAttribute[] }[];
    input: { name: string }[];
    output: { name: string }[];
  };
}

describe('exportConflictModelToOnnx', () => {
  const model = { scaler: { mean: [1, 2, 3, 4, 5], scale: [2, 4, 1, 0.5, 1] }, coefficients: [0.5, -1, 2, 0, 0.25], intercept: -0.75 };
  const type = loadOnnxModelType();
  const decoded = type.toObject(type.decode(exportConflictModelToOnnx(model)), {
    longs: Number,
    bytes: String,
    defaults: false,
  }) as DecodedModel;

  it('declares ir_version 8 with the default and ai.onnx.ml opsets', () => {
    expect(decoded.ir_version).toBe(8);
    expect(decoded.opset_import).toEqual([
      { domain: '', version: 13 },
      { domain: 'ai.onnx.ml', version: 1 },
    ]);
  });

  it('chains Scaler into a binary LinearClassifier laid out like skl2onnx', () => {
    const [scaler, classifier] = decoded.graph.node;
    expect(scaler.op_type).toBe('Scaler');
    expect(scaler.domain).toBe('ai.onnx.ml');
    const attr = (node: typeof scaler, name: string) => node.attribute.find((a) => a.name === name);
    expect(attr(scaler, 'offset')?.floats).toEqual([1, 2, 3, 4, 5]);
    expect(attr(scaler, 'scale')?.floats).toEqual([0.5, 0.25, 1, 2, 1]);
    expect(classifier.op_type).toBe('LinearClassifier');
    expect(classifier.input).toEqual(scaler.output);
    expect(classifier.output).toEqual(['label', 'probabilities']);
    expect(attr(classifier, 'coefficients')?.floats).toEqual([-0.5, 1, -2, -0, -0.25, 0.5, -1, 2, 0, 0.25]);
    expect(attr(classifier, 'intercepts')?.floats).toEqual([0.75, -0.75]);
    expect(attr(classifier, 'classlabels_ints')?.ints).toEqual([0, 1]);
    expect(Buffer.from(attr(classifier, 'post_transform')?.s ?? '', 'base64').toString()).toBe('LOGISTIC');
    expect(decoded.graph.input.map((i) => i.name)).toEqual(['float_input']);
  });

  it('refuses a scaler and regression of different widths', () => {
    expect(() => exportConflictModelToOnnx({ ...model, coefficients: [1, 2] })).toThrow(/scaler has 5 features/);
  });
});

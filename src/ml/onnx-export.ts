/**
 * Exports a fitted scaler + binary logistic regression as an ONNX-ML graph, laid out the way
 * skl2onnx emits a StandardScaler + LogisticRegression pipeline with zipmap off:
 *
 *   float_input [N,5] ─ Scaler ─ LinearClassifier ─┬─ label          int64   [N]
 *                                                  └─ probabilities  float32 [N,2]
 *
 * As in skl2onnx, the binary case carries two coefficient rows (-w, w) and intercepts (-b, b) with
 * a LOGISTIC post-transform, so column 1 is sigmoid(z) and the two columns sum to one.
 */
import { ATTRIBUTE_TYPE, loadOnnxModelType, ONNX_ELEM_FLOAT, ONNX_ELEM_INT64 } from './onnx-proto';
import { ConflictModelParameters } from './train-conflict-model';

export const ONNX_INPUT_NAME = 'float_input';
export const ONNX_LABEL_OUTPUT = 'label';
export const ONNX_PROBABILITY_OUTPUT = 'probabilities';
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 13;
export const ONNX_ML_OPSET = 1;

export interface OnnxExportOptions {
  readonly graphName?: string;
  readonly producerVersion?: string;
  readonly docString?: string;
  /** Extra key/value metadata (model version, feature names) stored in the model file. */
  readonly metadata?: Readonly<Record<string, string>>;
}

type Attribute =
  | { name: string; type: number; floats: number[] }
  | { name: string; type: number; ints: number[] }
  | { name: string; type: number; i: number }
  | { name: string; type: number; s: Uint8Array };

const floats = (name: string, values: readonly number[]): Attribute => ({ name, type: ATTRIBUTE_TYPE.FLOATS, floats: [...values] });
const ints = (name: string, values: readonly number[]): Attribute => ({ name, type: ATTRIBUTE_TYPE.INTS, ints: [...values] });
const int = (name: string, value: number): Attribute => ({ name, type: ATTRIBUTE_TYPE.INT, i: value });
const str = (name: string, value: string): Attribute => ({ name, type: ATTRIBUTE_TYPE.STRING, s: Buffer.from(value, 'utf8') });

function tensorValueInfo(name: string, elemType: number, dims: readonly (number | string)[]) {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

export function exportConflictModelToOnnx(model: ConflictModelParameters, options: OnnxExportOptions = {}): Buffer {
  const width = model.coefficients.length;
  if (model.scaler.mean.length !== width || model.scaler.scale.length !== width) {
    throw new Error(`scaler has ${model.scaler.mean.length} features but the regression has ${width}`);
  }
  const w = model.coefficients;
  const b = model.intercept;
  const nodes = [
    {
      name: 'Scaler',
      op_type: 'Scaler',
      domain: 'ai.onnx.ml',
      input: [ONNX_INPUT_NAME],
      output: ['variable'],
      // ONNX Scaler computes (x - offset) * scale, so the scale is the reciprocal of sklearn's.
      attribute: [floats('offset', model.scaler.mean), floats('scale', model.scaler.scale.map((s) => 1 / s))],
    },
    {
      name: 'LinearClassifier',
      op_type: 'LinearClassifier',
      domain: 'ai.onnx.ml',
      input: ['variable'],
      output: [ONNX_LABEL_OUTPUT, ONNX_PROBABILITY_OUTPUT],
      attribute: [
        ints('classlabels_ints', [0, 1]),
        floats('coefficients', [...w.map((c) => -c), ...w]),
        floats('intercepts', [-b, b]),
        int('multi_class', 0),
        str('post_transform', 'LOGISTIC'),
      ],
    },
  ];
  const message = {
    ir_version: ONNX_IR_VERSION,
    producer_name: 'ml-flywheel',
    producer_version: options.producerVersion ?? '1',
    doc_string: options.docString ?? '',
    opset_import: [
      { domain: '', version: ONNX_OPSET },
      { domain: 'ai.onnx.ml', version: ONNX_ML_OPSET },
    ],
    metadata_props: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: options.graphName ?? 'conflict_predictor',
      node: nodes,
      input: [tensorValueInfo(ONNX_INPUT_NAME, ONNX_ELEM_FLOAT, ['N', width])],
      output: [
        tensorValueInfo(ONNX_LABEL_OUTPUT, ONNX_ELEM_INT64, ['N']),
        tensorValueInfo(ONNX_PROBABILITY_OUTPUT, ONNX_ELEM_FLOAT, ['N', 2]),
      ],
    },
  };
  const type = loadOnnxModelType();
  const invalid = type.verify(message);
  if (invalid) throw new Error(`ONNX message does not match the schema: ${invalid}`);
  return Buffer.from(type.encode(type.fromObject(message)).finish());
}

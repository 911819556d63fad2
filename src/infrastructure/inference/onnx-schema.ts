/**
 * Every message of onnx/onnx.proto (IR version 10, ONNX 1.17) that a model can carry, with its
 * field numbers and wire kinds. The model inspector walks uploads against this table and refuses
 * any field it does not list, so nothing (a tensor least of all) can sit where validation does
 * not look: a partial schema would skip unknown fields while onnxruntime still reads them.
 */
export type ScalarKind = 'varint' | 'bytes' | 'fixed32' | 'fixed64';

export interface FieldSpec {
  readonly name: string;
  /** A scalar wire kind, or the name of the nested message. */
  readonly kind: ScalarKind | MessageName;
  readonly repeated?: boolean;
}

export type MessageName =
  | 'ModelProto'
  | 'GraphProto'
  | 'NodeProto'
  | 'AttributeProto'
  | 'TensorProto'
  | 'Segment'
  | 'SparseTensorProto'
  | 'ValueInfoProto'
  | 'TypeProto'
  | 'TypeTensor'
  | 'TypeSequence'
  | 'TypeMap'
  | 'TypeOptional'
  | 'TypeSparseTensor'
  | 'TypeOpaque'
  | 'TensorShapeProto'
  | 'Dimension'
  | 'OperatorSetIdProto'
  | 'StringStringEntryProto'
  | 'TensorAnnotation'
  | 'TrainingInfoProto'
  | 'FunctionProto';

const f = (name: string, kind: FieldSpec['kind'], repeated = false): FieldSpec => ({ name, kind, repeated });

export const ONNX_SCHEMA: Readonly<Record<MessageName, Readonly<Record<number, FieldSpec>>>> = {
  ModelProto: {
    1: f('ir_version', 'varint'),
    8: f('opset_import', 'OperatorSetIdProto', true),
    2: f('producer_name', 'bytes'),
    3: f('producer_version', 'bytes'),
    4: f('domain', 'bytes'),
    5: f('model_version', 'varint'),
    6: f('doc_string', 'bytes'),
    7: f('graph', 'GraphProto'),
    14: f('metadata_props', 'StringStringEntryProto', true),
    20: f('training_info', 'TrainingInfoProto', true),
    25: f('functions', 'FunctionProto', true),
  },
  GraphProto: {
    1: f('node', 'NodeProto', true),
    2: f('name', 'bytes'),
    5: f('initializer', 'TensorProto', true),
    15: f('sparse_initializer', 'SparseTensorProto', true),
    10: f('doc_string', 'bytes'),
    11: f('input', 'ValueInfoProto', true),
    12: f('output', 'ValueInfoProto', true),
    13: f('value_info', 'ValueInfoProto', true),
    14: f('quantization_annotation', 'TensorAnnotation', true),
    16: f('metadata_props', 'StringStringEntryProto', true),
  },
  NodeProto: {
    1: f('input', 'bytes', true),
    2: f('output', 'bytes', true),
    3: f('name', 'bytes'),
    4: f('op_type', 'bytes'),
    7: f('domain', 'bytes'),
    8: f('overload', 'bytes'),
    5: f('attribute', 'AttributeProto', true),
    6: f('doc_string', 'bytes'),
    9: f('metadata_props', 'StringStringEntryProto', true),
  },
  AttributeProto: {
    1: f('name', 'bytes'),
    21: f('ref_attr_name', 'bytes'),
    13: f('doc_string', 'bytes'),
    20: f('type', 'varint'),
    2: f('f', 'fixed32'),
    3: f('i', 'varint'),
    4: f('s', 'bytes'),
    5: f('t', 'TensorProto'),
    6: f('g', 'GraphProto'),
    22: f('sparse_tensor', 'SparseTensorProto'),
    14: f('tp', 'TypeProto'),
    7: f('floats', 'fixed32', true),
    8: f('ints', 'varint', true),
    9: f('strings', 'bytes', true),
    10: f('tensors', 'TensorProto', true),
    11: f('graphs', 'GraphProto', true),
    23: f('sparse_tensors', 'SparseTensorProto', true),
    15: f('type_protos', 'TypeProto', true),
  },
  TensorProto: {
    1: f('dims', 'varint', true),
    2: f('data_type', 'varint'),
    3: f('segment', 'Segment'),
    4: f('float_data', 'fixed32', true),
    5: f('int32_data', 'varint', true),
    6: f('string_data', 'bytes', true),
    7: f('int64_data', 'varint', true),
    8: f('name', 'bytes'),
    12: f('doc_string', 'bytes'),
    9: f('raw_data', 'bytes'),
    13: f('external_data', 'StringStringEntryProto', true),
    14: f('data_location', 'varint'),
    10: f('double_data', 'fixed64', true),
    11: f('uint64_data', 'varint', true),
    16: f('metadata_props', 'StringStringEntryProto', true),
  },
  Segment: { 1: f('begin', 'varint'), 2: f('end', 'varint') },
  SparseTensorProto: { 1: f('values', 'TensorProto'), 2: f('indices', 'TensorProto'), 3: f('dims', 'varint', true) },
  ValueInfoProto: {
    1: f('name', 'bytes'),
    2: f('type', 'TypeProto'),
    3: f('doc_string', 'bytes'),
    4: f('metadata_props', 'StringStringEntryProto', true),
  },
  TypeProto: {
    1: f('tensor_type', 'TypeTensor'),
    4: f('sequence_type', 'TypeSequence'),
    5: f('map_type', 'TypeMap'),
    9: f('optional_type', 'TypeOptional'),
    8: f('sparse_tensor_type', 'TypeSparseTensor'),
    7: f('opaque_type', 'TypeOpaque'),
    6: f('denotation', 'bytes'),
  },
  TypeTensor: { 1: f('elem_type', 'varint'), 2: f('shape', 'TensorShapeProto') },
  TypeSequence: { 1: f('elem_type', 'TypeProto') },
  TypeMap: { 1: f('key_type', 'varint'), 2: f('value_type', 'TypeProto') },
  TypeOptional: { 1: f('elem_type', 'TypeProto') },
  TypeSparseTensor: { 1: f('elem_type', 'varint'), 2: f('shape', 'TensorShapeProto') },
  TypeOpaque: { 1: f('domain', 'bytes'), 2: f('name', 'bytes') },
  TensorShapeProto: { 1: f('dim', 'Dimension', true) },
  Dimension: { 1: f('dim_value', 'varint'), 2: f('dim_param', 'bytes'), 3: f('denotation', 'bytes') },
  OperatorSetIdProto: { 1: f('domain', 'bytes'), 2: f('version', 'varint') },
  StringStringEntryProto: { 1: f('key', 'bytes'), 2: f('value', 'bytes') },
  TensorAnnotation: { 1: f('tensor_name', 'bytes'), 2: f('quant_parameter_tensor_names', 'StringStringEntryProto', true) },
  TrainingInfoProto: {
    1: f('initialization', 'GraphProto'),
    2: f('algorithm', 'GraphProto'),
    3: f('initialization_binding', 'StringStringEntryProto', true),
    4: f('update_binding', 'StringStringEntryProto', true),
  },
  FunctionProto: {
    1: f('name', 'bytes'),
    4: f('input', 'bytes', true),
    5: f('output', 'bytes', true),
    6: f('attribute', 'bytes', true),
    11: f('attribute_proto', 'AttributeProto', true),
    7: f('node', 'NodeProto', true),
    8: f('doc_string', 'bytes'),
    9: f('opset_import', 'OperatorSetIdProto', true),
    10: f('domain', 'bytes'),
    13: f('overload', 'bytes'),
    12: f('value_info', 'ValueInfoProto', true),
    14: f('metadata_props', 'StringStringEntryProto', true),
  },
};

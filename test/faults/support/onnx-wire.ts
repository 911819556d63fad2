/**
 * A tiny protobuf writer for hostile ONNX models. It writes any field number with any wire type,
 * so tests can put tensors where an export-only schema would never look (and where protobufjs
 * with a partial schema would silently skip them). Field numbers are those of onnx/onnx.proto.
 */
export type Field =
  | { readonly n: number; readonly varint: number | bigint }
  | { readonly n: number; readonly bytes: Uint8Array | string }
  | { readonly n: number; readonly msg: readonly Field[] }
  | { readonly n: number; readonly f32: number };

function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}

export function encode(fields: readonly Field[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of fields) {
    if ('varint' in f) parts.push(Buffer.from([...varint(f.n << 3), ...varint(f.varint)]));
    else if ('f32' in f) {
      const b = Buffer.alloc(4);
      b.writeFloatLE(f.f32);
      parts.push(Buffer.from(varint((f.n << 3) | 5)), b);
    } else {
      const body = 'msg' in f ? encode(f.msg) : Buffer.from(f.bytes);
      parts.push(Buffer.from([...varint((f.n << 3) | 2), ...varint(body.length)]), body);
    }
  }
  return Buffer.concat(parts);
}

export const DT = { FLOAT: 1, UINT8: 2, INT64: 7 } as const;
export const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, TENSORS: 9, GRAPHS: 10, SPARSE_TENSOR: 11 } as const;

export interface TensorSpec {
  readonly name: string;
  readonly dataType: number;
  readonly dims: readonly number[];
  readonly floats?: readonly number[];
  readonly int64s?: readonly number[];
  /** int32_data: also where uint8 and bool values go. */
  readonly raw?: Buffer;
  readonly int32s?: readonly number[];
  /** Data read by onnxruntime from a file: `location` relative to the model's (or process's) folder. */
  readonly external?: { readonly location: string; readonly offset?: number; readonly length?: number };
}

export function tensor(spec: TensorSpec): Field[] {
  const fields: Field[] = [...spec.dims.map((d) => ({ n: 1, varint: d })), { n: 2, varint: spec.dataType }, { n: 8, bytes: spec.name }];
  for (const v of spec.floats ?? []) fields.push({ n: 4, f32: v });
  for (const v of spec.int64s ?? []) fields.push({ n: 7, varint: v });
  for (const v of spec.int32s ?? []) fields.push({ n: 5, varint: v });
  if (spec.raw) fields.push({ n: 9, bytes: spec.raw });
  if (spec.external) {
    const entry = (key: string, value: string): Field => ({ n: 13, msg: [{ n: 1, bytes: key }, { n: 2, bytes: value }] });
    fields.push(entry('location', spec.external.location));
    if (spec.external.offset !== undefined) fields.push(entry('offset', String(spec.external.offset)));
    if (spec.external.length !== undefined) fields.push(entry('length', String(spec.external.length)));
    fields.push({ n: 14, varint: 1 });
  }
  return fields;
}

export function attribute(name: string, type: number, value: Field[]): Field[] {
  return [{ n: 1, bytes: name }, { n: 20, varint: type }, ...value];
}
export const intsAttr = (name: string, values: readonly number[]): Field[] => attribute(name, ATTR.INTS, values.map((v) => ({ n: 8, varint: v })));
export const intAttr = (name: string, v: number): Field[] => attribute(name, ATTR.INT, [{ n: 3, varint: v }]);
export const tensorAttr = (name: string, t: Field[]): Field[] => attribute(name, ATTR.TENSOR, [{ n: 5, msg: t }]);
export const graphAttr = (name: string, g: Field[]): Field[] => attribute(name, ATTR.GRAPH, [{ n: 6, msg: g }]);

export function node(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Field[][] = [], domain = ''): Field[] {
  return [
    ...inputs.map((i) => ({ n: 1, bytes: i })),
    ...outputs.map((o) => ({ n: 2, bytes: o })),
    { n: 3, bytes: `${opType}_${outputs[0]}` },
    { n: 4, bytes: opType },
    ...attributes.map((a) => ({ n: 5, msg: a })),
    ...(domain ? [{ n: 7, bytes: domain }] : []),
  ];
}

/** ValueInfoProto of a tensor; a string dimension is symbolic. */
export function valueInfo(name: string, elemType: number, dims: readonly (number | string)[]): Field[] {
  const dim = dims.map((d): Field => ({ n: 1, msg: [typeof d === 'number' ? { n: 1, varint: d } : { n: 2, bytes: d }] }));
  return [{ n: 1, bytes: name }, { n: 2, msg: [{ n: 1, msg: [{ n: 1, varint: elemType }, { n: 2, msg: dim }] }] }];
}

export interface GraphSpec {
  readonly nodes: Field[][];
  readonly initializers?: Field[][];
  /** SparseTensorProto bodies. */
  readonly sparseInitializers?: Field[][];
  readonly inputs: Field[][];
  readonly outputs: Field[][];
  readonly name?: string;
}

export function graph(spec: GraphSpec): Field[] {
  return [
    ...spec.nodes.map((n) => ({ n: 1, msg: n })),
    { n: 2, bytes: spec.name ?? 'g' },
    ...(spec.initializers ?? []).map((t) => ({ n: 5, msg: t })),
    ...spec.inputs.map((v) => ({ n: 11, msg: v })),
    ...spec.outputs.map((v) => ({ n: 12, msg: v })),
    ...(spec.sparseInitializers ?? []).map((s) => ({ n: 15, msg: s })),
  ];
}

export interface ModelSpec {
  readonly graph: Field[];
  readonly opset?: number;
  readonly functions?: Field[][];
  readonly trainingInfo?: Field[][];
}

export function model(spec: ModelSpec): Buffer {
  return encode([
    { n: 1, varint: 8 },
    { n: 2, bytes: 'attacker' },
    { n: 7, msg: spec.graph },
    { n: 8, msg: [{ n: 1, bytes: '' }, { n: 2, varint: spec.opset ?? 13 }] },
    { n: 8, msg: [{ n: 1, bytes: 'ai.onnx.ml' }, { n: 2, varint: 1 }] },
    { n: 8, msg: [{ n: 1, bytes: 'local' }, { n: 2, varint: 1 }] },
    ...(spec.trainingInfo ?? []).map((t) => ({ n: 20, msg: t })),
    ...(spec.functions ?? []).map((f) => ({ n: 25, msg: f })),
  ]);
}

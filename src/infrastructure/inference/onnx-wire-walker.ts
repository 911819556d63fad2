/**
 * A schema-walking protobuf decoder for ONNX models. It visits every field of every message the
 * bytes hold, checked against ONNX_SCHEMA: an unknown field, a wrong wire type, a truncated value
 * or too deep a nesting throws, so whatever onnxruntime could read, the walker has seen.
 */
import { MessageName, ONNX_SCHEMA, ScalarKind } from './onnx-schema';

export class MalformedModelError extends Error {}

/** A decoded message: scalars as bigint (varints), number (fixed32 floats) or Buffer (bytes). */
export interface DecodedMessage {
  readonly type: MessageName;
  readonly fields: ReadonlyMap<string, readonly FieldValue[]>;
}
export type FieldValue = bigint | number | Buffer | DecodedMessage;

/** Messages nest (graphs in attributes, types in types); deeper than this is no model we need. */
const MAX_DEPTH = 64;

const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;
const SCALAR_WIRE: Record<ScalarKind, number> = { varint: WIRE.varint, bytes: WIRE.bytes, fixed32: WIRE.fixed32, fixed64: WIRE.fixed64 };

class Reader {
  constructor(
    private readonly buf: Buffer,
    public pos: number,
    readonly end: number,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new MalformedModelError('truncated varint');
      const byte = this.buf[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new MalformedModelError('varint longer than 10 bytes');
  }

  take(length: number): Reader {
    if (length < 0 || this.pos + length > this.end) throw new MalformedModelError('length runs past the end of its message');
    const sub = new Reader(this.buf, this.pos, this.pos + length);
    this.pos += length;
    return sub;
  }

  bytes(): Buffer {
    const sub = this.take(Number(this.varint()));
    return this.buf.subarray(sub.pos, sub.end);
  }

  fixed32(): number {
    const sub = this.take(4);
    return this.buf.readFloatLE(sub.pos);
  }

  fixed64(): number {
    const sub = this.take(8);
    return this.buf.readDoubleLE(sub.pos);
  }
}

function readScalar(reader: Reader, kind: ScalarKind): FieldValue {
  switch (kind) {
    case 'varint':
      return reader.varint();
    case 'bytes':
      return reader.bytes();
    case 'fixed32':
      return reader.fixed32();
    case 'fixed64':
      return reader.fixed64();
  }
}

function decode(reader: Reader, type: MessageName, depth: number): DecodedMessage {
  if (depth > MAX_DEPTH) throw new MalformedModelError(`messages nest deeper than ${MAX_DEPTH} levels`);
  const schema = ONNX_SCHEMA[type];
  const fields = new Map<string, FieldValue[]>();
  while (!reader.done) {
    const key = reader.varint();
    const number = Number(key >> 3n);
    const wire = Number(key & 7n);
    const spec = schema[number];
    if (spec === undefined) throw new MalformedModelError(`${type} has a field ${number} that ONNX does not define`);
    const values = fields.get(spec.name) ?? [];
    fields.set(spec.name, values);
    if (spec.kind in SCALAR_WIRE) {
      const kind = spec.kind as ScalarKind;
      if (wire === SCALAR_WIRE[kind]) values.push(readScalar(reader, kind));
      else if (spec.repeated && kind !== 'bytes' && wire === WIRE.bytes) {
        // Packed repeated numbers: one length-delimited run of values.
        const run = reader.take(Number(reader.varint()));
        while (!run.done) values.push(readScalar(run, kind));
      } else throw new MalformedModelError(`${type}.${spec.name} has wire type ${wire}`);
      if (!spec.repeated && values.length > 1 && kind !== 'varint') values.splice(0, values.length - 1);
    } else {
      if (wire !== WIRE.bytes) throw new MalformedModelError(`${type}.${spec.name} has wire type ${wire}`);
      // Protobuf merges a repeated singular message (dims of two tensors would concatenate), so the
      // parts would pass checks the merged whole breaks; no exporter writes one twice.
      if (!spec.repeated && values.length > 0) throw new MalformedModelError(`${type}.${spec.name} appears more than once`);
      values.push(decode(reader.take(Number(reader.varint())), spec.kind as MessageName, depth + 1));
    }
  }
  return { type, fields };
}

export function decodeOnnxModel(bytes: Buffer): DecodedMessage {
  return decode(new Reader(bytes, 0, bytes.length), 'ModelProto', 0);
}

/** Typed accessors over a decoded message (the last value wins for singular fields, as in protobuf). */
export function messages(message: DecodedMessage, field: string): DecodedMessage[] {
  return (message.fields.get(field) ?? []).filter((v): v is DecodedMessage => typeof v === 'object' && 'type' in v);
}
export function text(message: DecodedMessage, field: string): string {
  const values = message.fields.get(field) ?? [];
  const last = values[values.length - 1];
  return Buffer.isBuffer(last) ? last.toString('utf8') : '';
}
export function texts(message: DecodedMessage, field: string): string[] {
  return (message.fields.get(field) ?? []).filter((v): v is Buffer => Buffer.isBuffer(v)).map((b) => b.toString('utf8'));
}
export function ints(message: DecodedMessage, field: string): bigint[] {
  return (message.fields.get(field) ?? []).filter((v): v is bigint => typeof v === 'bigint');
}
/** A singular varint; protobuf keeps the last one, and so does onnxruntime. */
export function int(message: DecodedMessage, field: string): bigint | null {
  const values = ints(message, field);
  return values.length === 0 ? null : values[values.length - 1];
}
export function count(message: DecodedMessage, field: string): number {
  return (message.fields.get(field) ?? []).length;
}

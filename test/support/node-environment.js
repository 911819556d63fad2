// onnxruntime-node checks tensors with `instanceof Float32Array` against the host realm's
// constructors; jest's default node environment gives each test file its own realm, so a
// tensor built inside a test fails that check. Expose the host's typed-array constructors.
const { TestEnvironment } = require('jest-environment-node');

const HOST_TYPES = [
  'Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array',
  'Uint16Array', 'Uint32Array', 'Uint8ClampedArray', 'BigInt64Array', 'BigUint64Array',
  'ArrayBuffer', 'SharedArrayBuffer',
];

class HostTypedArrayEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of HOST_TYPES) this.global[name] = globalThis[name];
  }
}

module.exports = HostTypedArrayEnvironment;

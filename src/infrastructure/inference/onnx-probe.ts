/**
 * Loads an uploaded model and runs the probe batches in a separate, short-lived Node process with
 * a capped address space and a deadline. onnxruntime allocates natively (a worker thread's heap
 * limits do not cover it, and an abort in a thread takes the whole server down), so only another
 * process bounds what a runaway model can take: if it dies, is killed or runs out of memory, the
 * upload is refused and the server carries on.
 */
import { spawn } from 'node:child_process';

export interface ProbeTensor {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type: string;
  readonly shape: readonly (number | string)[];
}

export interface ProbeBatchResult {
  readonly rows: number;
  /** Per output: its dims, and whether every value of its last column is a probability in [0, 1]. */
  readonly outputs: Readonly<Record<string, { readonly dims: readonly number[]; readonly probabilities: boolean }>>;
}

export type ProbeOutcome =
  | { readonly kind: 'loaded'; readonly inputs: readonly ProbeTensor[]; readonly outputs: readonly ProbeTensor[]; readonly batches: readonly ProbeBatchResult[] }
  | { readonly kind: 'load-failed' | 'run-failed' | 'crashed' | 'timed-out' | 'bad-answer'; readonly detail: string };

export interface ProbeOptions {
  /** Address-space cap of the probe process; Node and onnxruntime themselves reserve about 0.9 GB. */
  readonly addressSpaceMb: number;
  readonly timeoutMs: number;
  /** Row counts to run; the largest bounds the batch size serving uses. */
  readonly batchSizes: readonly number[];
}

/**
 * The probe process's program. It reads the model from stdin, answers one JSON line on stdout,
 * and never sends tensor values back: only shapes and whether outputs are probabilities.
 */
const PROBE_SOURCE = String.raw`
const ort = require(process.argv[1]);
const batchSizes = JSON.parse(process.argv[2]);
const rows = [[0, 168, 0, 0, 0], [1, 2.5, 0.1, 0.5, 0.5], [3, 0.1, 0.6, 4, 1]];
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  const answer = (o) => process.stdout.write(JSON.stringify(o) + '\n', () => process.exit(0));
  let session;
  try {
    session = await ort.InferenceSession.create(Buffer.concat(chunks), { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  } catch (e) { return answer({ kind: 'load-failed', detail: String(e && e.message) }); }
  const meta = (list) => list.map((m) => ({ name: m.name, isTensor: !!m.isTensor, type: m.isTensor ? m.type : '', shape: m.isTensor ? m.shape : [] }));
  const inputs = meta(session.inputMetadata), outputs = meta(session.outputMetadata);
  const input = inputs[0];
  const width = input && input.shape[1];
  const fits = inputs.length === 1 && input.isTensor && input.type === 'float32' && input.shape.length === 2 && !(typeof width === 'number' && width >= 0 && width !== 5);
  // The parent names what is wrong with the input; running would only fail less clearly.
  if (!fits) return answer({ kind: 'loaded', inputs, outputs, batches: [] });
  const batches = [];
  try {
    for (const n of batchSizes) {
      const data = new Float32Array(n * 5);
      for (let i = 0; i < n; i++) data.set(rows[i % rows.length], i * 5);
      const result = await session.run({ [input.name]: new ort.Tensor('float32', data, [n, 5]) });
      const results = {};
      for (const name of session.outputNames) {
        const out = result[name];
        if (!out || !out.dims) { results[name] = { dims: [], probabilities: false }; continue; }
        const dims = Array.from(out.dims), columns = dims.length === 2 ? dims[1] : 1;
        let probabilities = (out.data instanceof Float32Array || out.data instanceof Float64Array) && out.data.length === n * columns;
        for (let i = 0; probabilities && i < n; i++) {
          const p = out.data[i * columns + columns - 1];
          probabilities = Number.isFinite(p) && p >= 0 && p <= 1;
        }
        results[name] = { dims, probabilities };
      }
      batches.push({ rows: n, outputs: results });
    }
  } catch (e) { return answer({ kind: 'run-failed', detail: String(e && e.message) }); }
  answer({ kind: 'loaded', inputs, outputs, batches });
});
`;

export function probeModel(bytes: Buffer, options: ProbeOptions): Promise<ProbeOutcome> {
  const addressSpaceKb = Math.floor(options.addressSpaceMb * 1024);
  const ortEntry = require.resolve('onnxruntime-node');
  // ulimit -v caps the child's address space; exec keeps one process to kill.
  const child = spawn('/bin/sh', ['-c', 'ulimit -v "$0" && exec "$@"', String(addressSpaceKb), process.execPath, '-e', PROBE_SOURCE, ortEntry, JSON.stringify(options.batchSizes)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  return new Promise<ProbeOutcome>((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const settle = (outcome: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      resolve(outcome);
    };
    const timer = setTimeout(() => settle({ kind: 'timed-out', detail: `no answer within ${options.timeoutMs} ms` }), options.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.length > 1_000_000) settle({ kind: 'bad-answer', detail: 'probe answer too long' });
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 4000) stderr += chunk;
    });
    child.on('error', (error) => settle({ kind: 'crashed', detail: error.message }));
    child.on('close', (code, signal) => {
      const line = stdout.split('\n')[0];
      try {
        if (line) return settle(JSON.parse(line) as ProbeOutcome);
      } catch {
        return settle({ kind: 'bad-answer', detail: 'probe answer is not JSON' });
      }
      settle({ kind: 'crashed', detail: `probe exited with ${signal ?? code}: ${stderr.slice(0, 500)}` });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(bytes);
  });
}

/**
 * ML benchmarks: conflict-model training, in-process ONNX prediction latency and active-learning
 * selection. Data are synthetic and seeded, so figures are comparable run to run.
 */
import { OnnxInferenceRuntime } from '../src/infrastructure/inference/onnx-inference-runtime';
import { PoolExample, selectActiveLearningBatch } from '../src/ml/active-learning';
import { exportConflictModelToOnnx } from '../src/ml/onnx-export';
import { seededRandom } from '../src/ml/prng';
import { syntheticConflictRows } from '../src/ml/synthetic-conflict-data';
import { trainConflictModel } from '../src/ml/train-conflict-model';
import { BenchRow } from './support';

type BenchResult = BenchRow;

const SUITE = 'ml';

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const round = (v: number, digits = 3): number => Number(v.toFixed(digits));

function benchTraining(rows: number, runs: number): BenchResult {
  const data = syntheticConflictRows(rows, { seed: 1, stepMs: 1000 });
  let iterations = 0;
  const times = Array.from({ length: runs }, () =>
    timeMs(() => {
      iterations = trainConflictModel(data).metrics.solver_iterations;
    }),
  );
  return {
    suite: SUITE,
    metric: `train_conflict_model_${rows}_rows`,
    value: round(median(times), 1),
    unit: 'ms',
    note: `median of ${runs}; time split + scaler + Newton LR (${iterations} iterations) + metrics`,
  };
}

async function benchOnnxLatency(runs: number): Promise<BenchResult[]> {
  const model = trainConflictModel(syntheticConflictRows(5000, { seed: 2 }));
  const runtime = new OnnxInferenceRuntime();
  const loaded = await runtime.load(exportConflictModelToOnnx(model));
  try {
    const row = [[1, 3.5, 0.1, 0.8, 0.5]];
    for (let i = 0; i < 200; i++) await loaded.predict(row);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      await loaded.predict(row);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b);
    const note = `${runs} single-row predicts after 200 warm-up, onnxruntime-node, 1 intra-op thread`;
    return [
      { suite: SUITE, metric: 'onnx_predict_single_row_p50', value: round(percentile(times, 0.5), 4), unit: 'ms', note },
      { suite: SUITE, metric: 'onnx_predict_single_row_p99', value: round(percentile(times, 0.99), 4), unit: 'ms', note },
    ];
  } finally {
    await loaded.release();
  }
}

function syntheticPool(size: number): PoolExample[] {
  const random = seededRandom(size);
  return Array.from({ length: size }, (_, i) => ({
    exampleId: `example-${i}`,
    uncertainty: random(),
    isCorrection: i % 1000 === 0,
    // A 64-bit perceptual hash as bits, then text length and confidence.
    features: [...Array.from({ length: 64 }, () => (random() < 0.5 ? 1 : 0)), random() * 40, random()],
  }));
}

function benchActiveLearning(poolSize: number, runs: number): BenchResult {
  const pool = syntheticPool(poolSize);
  const times = Array.from({ length: runs }, (_, i) => timeMs(() => selectActiveLearningBatch(pool, { batchSize: 50, seed: i })));
  return {
    suite: SUITE,
    metric: `active_learning_select_50_of_${poolSize}`,
    value: round(median(times), 1),
    unit: 'ms',
    note: `median of ${runs}; 66-dim features, ${poolSize / 1000} corrections`,
  };
}

export default async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  results.push(benchTraining(100_000, 5));
  results.push(benchTraining(1_000_000, 3));
  results.push(...(await benchOnnxLatency(2000)));
  results.push(benchActiveLearning(10_000, 3));
  results.push(benchActiveLearning(100_000, 3));
  return results;
}

/**
 * Model lifecycle through the real app: POST /api/v2/ml/models/train (extract point-in-time rows
 * from the read model, fit, export ONNX, store blobs, append ModelTrained) and POST /retrain
 * (the same, plus scoring candidate and active model on the holdout in onnxruntime-node and the
 * activation policy), on a seeded sync history; then ActiveModelService.predict in process with
 * the trained model active (one ONNX run per call). Raw fitting time is in bench/ml.bench.ts.
 */
import { performance } from 'node:perf_hooks';
import { DAY_MS, HOUR_MS, ManualClock } from '../src/domain/shared/clock';
import { ActiveModelService } from '../src/projections/model-registry/active-model.service';
import { startTestApp } from '../test/support/app';
import { planHistory, seedHistory } from '../test/models/support/sync-history';
import { BenchRow, median, percentile, round } from './support';

const SUITE = 'training';
const NOW = '2026-03-02T03:00:00.000Z';
const RUNS = 5;
const PREDICTIONS = 5000;

export default async function run(): Promise<BenchRow[]> {
  const clock = new ManualClock(NOW);
  const app = await startTestApp({ clock, env: { SQLITE_SYNCHRONOUS: process.env.BENCH_SQLITE_SYNCHRONOUS ?? 'FULL' } });
  try {
    const plan = planHistory({ seed: 'bench', users: 40, fromMs: Date.parse(NOW) - 45 * DAY_MS, toMs: Date.parse(NOW) - HOUR_MS, shortConflict: 0.55, longConflict: 0.12, visitorRate: 0.2, visitorConflict: 0.5, prefix: 'b' });
    const seeded = performance.now();
    const position = await seedHistory(app, plan);
    const seedMs = performance.now() - seeded;
    const token = app.token({ sub: 'bench', tenant: 'bench', roles: ['ml_engineer', 'ops'] });
    type Answer = { version: string; row_count?: number; timings?: Record<string, number>; decision?: string };
    const call = async (path: string, body: unknown): Promise<{ ms: number; json: Answer }> => {
      const started = performance.now();
      const res = await fetch(`${app.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await res.json()) as Answer;
      if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
      return { ms: performance.now() - started, json };
    };
    await fetch(`${app.baseUrl}/api/v2/ml/models?min_position=${position}`, { headers: { authorization: `Bearer ${token}` } });

    const trains: { ms: number; json: Answer }[] = [];
    for (let i = 0; i < RUNS; i++) {
      clock.advance(1000);
      trains.push(await call('/api/v2/ml/models/train', { model_type: 'conflict_predictor' }));
    }
    const rows = trains[0].json.row_count ?? 0;
    const retrains: { ms: number; json: Answer }[] = [];
    for (let i = 0; i < RUNS; i++) {
      clock.advance(1000);
      retrains.push(await call('/api/v2/ml/models/retrain', { model_type: 'conflict_predictor' }));
    }

    // In process, with a trained model active: one ONNX session run per call (features given).
    await fetch(`${app.baseUrl}/api/v2/ml/models/${trains[0].json.version}/activate`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const models = app.app.get(ActiveModelService);
    const vector = [1, 2.5, 0.2, 1.3, 0.5];
    const first = await models.predict('conflict_predictor', vector);
    if (first.modelVersion === 'heuristic_v1') throw new Error('the trained model did not serve');
    const latencies: number[] = [];
    for (let i = 0; i < PREDICTIONS; i++) {
      vector[1] = (i % 100) / 10;
      const t = performance.now();
      await models.predict('conflict_predictor', vector);
      latencies.push(performance.now() - t);
    }

    const m = (xs: readonly number[]) => round(median(xs), 1);
    const part = (key: string) =>
      m(
        trains.map((t) => {
          const value = t.json.timings?.[key];
          if (typeof value !== 'number') throw new Error(`the train answer has no timings.${key}: ${JSON.stringify(t.json.timings)}`);
          return value;
        }),
      );
    return [
      { suite: SUITE, metric: 'seeded history', value: rows, unit: 'rows', note: `${plan.length} syncs over 45 days via POST /sync/events + /sync/conflicts in ${round(seedMs / 1000, 1)} s` },
      { suite: SUITE, metric: 'POST /models/train p50', value: m(trains.map((t) => t.ms)), unit: 'ms', note: `${RUNS} runs over HTTP, ${rows} rows` },
      { suite: SUITE, metric: 'train: extract rows p50', value: part('extract_ms'), unit: 'ms', note: 'point-in-time features from the read model' },
      { suite: SUITE, metric: 'train: fit p50', value: part('fit_ms'), unit: 'ms', note: 'scaler + balanced L2 logistic regression (Newton)' },
      { suite: SUITE, metric: 'train: export + store p50', value: part('export_and_store_ms'), unit: 'ms', note: 'ONNX graph + CSV of the rows into the blob store' },
      { suite: SUITE, metric: 'POST /models/retrain p50', value: m(retrains.map((t) => t.ms)), unit: 'ms', note: `train + score candidate and active on the holdout in onnxruntime-node + policy (${retrains.map((r) => r.json.decision).join(', ')})` },
      { suite: SUITE, metric: 'ActiveModelService.predict p50', value: round(percentile(latencies, 50), 3), unit: 'ms', note: `${PREDICTIONS} calls, ONNX model active` },
      { suite: SUITE, metric: 'ActiveModelService.predict p99', value: round(percentile(latencies, 99), 3), unit: 'ms', note: `${PREDICTIONS} calls, ONNX model active` },
    ];
  } finally {
    await app.close();
  }
}

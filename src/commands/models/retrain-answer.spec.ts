import { snakeCase, toWire } from '../../http/conventions';
import { retrainAnswer } from './retrain-answer';

const holdout = { trainFrom: 'a', trainTo: 'b', testFrom: 'c', testTo: 'd' };
const metrics = { roc_auc: 0.8, accuracy: 0.7, threshold: 0.5, precision: 0.6, recall: 0.5, f1: 0.55, samples: 10, positives: 4 };

describe('the retraining answer (HTTP and models:retrain)', () => {
  it('is snake_case at every depth, values untouched', () => {
    const answer = retrainAnswer({
      modelType: 'conflict_predictor',
      version: 'v20260105_030000',
      decision: 'rejected',
      repeated: false,
      reason: 'not better',
      failures: [{ rule: 'min_auc_gain', reason: 'too small' }],
      previousVersion: null,
      position: 12,
      timings: { extractMs: 1, fitMs: 2, exportAndStoreMs: 3, evaluateMs: 4 },
      evaluation: {
        modelType: 'conflict_predictor',
        version: 'v20260105_030000',
        evaluationId: 'ev-1',
        holdoutRowsBlobHash: 'sha256:x',
        holdout,
        candidate: { version: 'v20260105_030000', metrics },
        baseline: { version: 'heuristic_v1', metrics, activeVersion: null, note: null },
        delong: { auc_difference: 0.1, standard_error: 0.01, ci95: [0.08, 0.12], p_value: 0.001 },
        at: 'e',
      },
    });
    expect(JSON.stringify(answer)).not.toMatch(/"[^"]*[A-Z][^"]*":/);
    expect(answer.timings).toEqual({ extract_ms: 1, fit_ms: 2, export_and_store_ms: 3, evaluate_ms: 4 });
    expect(answer.evaluation).toMatchObject({ model_type: 'conflict_predictor', evaluation_id: 'ev-1', holdout_rows_blob_hash: 'sha256:x', holdout: { train_from: 'a', train_to: 'b', test_from: 'c', test_to: 'd' } });
    expect(answer.evaluation?.baseline).toEqual({ version: 'heuristic_v1', metrics, active_version: null, note: null });
    expect(answer).toMatchObject({ model_type: 'conflict_predictor', previous_version: null, position: '12', failures: [{ rule: 'min_auc_gain', reason: 'too small' }] });
  });

  it('renames keys only: snake_case keys, strings and arrays stay as they are', () => {
    expect(['trainFrom', 'holdoutRowsBlobHash', 'ci95', 'roc_auc', 'p_value'].map(snakeCase)).toEqual(['train_from', 'holdout_rows_blob_hash', 'ci95', 'roc_auc', 'p_value']);
    expect(toWire({ inputShape: [null, 9], outputNames: ['label', 'probabilities'], note: 'camelCase in a value stays' })).toEqual({ input_shape: [null, 9], output_names: ['label', 'probabilities'], note: 'camelCase in a value stays' });
  });
});

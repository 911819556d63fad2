import { UnprocessableError } from '../../domain/shared/errors';
import { exportConflictModelToOnnx } from '../../ml/onnx-export';
import { syntheticConflictRows } from '../../ml/synthetic-conflict-data';
import { conflictModelPredictor, trainConflictModel } from '../../ml/train-conflict-model';
import * as hostile from '../../../test/faults/support/hostile-onnx';
import { OnnxInferenceRuntime } from './onnx-inference-runtime';

describe('OnnxInferenceRuntime', () => {
  const runtime = new OnnxInferenceRuntime();
  const rows = syntheticConflictRows(3000, { seed: 21 });
  const model = trainConflictModel(rows);
  const bytes = exportConflictModelToOnnx(model);

  it('runs the exported model with the same probabilities as the TypeScript model', async () => {
    const loaded = await runtime.load(bytes);
    try {
      expect(loaded.inputNames).toEqual(['float_input']);
      expect(loaded.outputNames).toEqual(['label', 'probabilities']);
      const X = rows.slice(0, 500).map((r) => r.features);
      const expected = conflictModelPredictor(model)(X);
      const actual = await loaded.predict(X);
      const maxError = Math.max(...actual.map((p, i) => Math.abs(p - expected[i])));
      expect(maxError).toBeLessThan(1e-5);
      expect(await loaded.predict([X[0]])).toHaveLength(1);
    } finally {
      await loaded.release();
    }
  });

  it('validates an exported model and reports its signature', async () => {
    await expect(runtime.validateConflictModel(bytes)).resolves.toEqual({
      inputName: 'float_input',
      inputShape: ['N', 5],
      probabilityOutput: 'probabilities',
      probabilityColumns: 2,
      outputNames: ['label', 'probabilities'],
    });
  });

  it.each([
    ['garbage bytes', Buffer.from('definitely not a protobuf model, just text')],
    ['an empty file', Buffer.alloc(0)],
    ['a truncated model', bytes.subarray(0, Math.floor(bytes.length / 2))],
  ])('rejects %s as unprocessable', async (_what, corrupt) => {
    await expect(runtime.validateConflictModel(corrupt)).rejects.toBeInstanceOf(UnprocessableError);
    await expect(runtime.load(corrupt)).rejects.toThrow(/ONNX model|empty/);
  });

  it('rejects a model whose input is not five features wide', async () => {
    const narrow = exportConflictModelToOnnx({
      scaler: { mean: [0, 0, 0, 0], scale: [1, 1, 1, 1] },
      coefficients: [0.1, 0.2, 0.3, 0.4],
      intercept: 0,
    });
    const error = await runtime.validateConflictModel(narrow).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as Error).message).toMatch(/shape \[N, 4\]; expected \[N, 5\]/);
  });

  it('creates no serving session for a model that breaks the upload rules (a blob stored before they existed)', async () => {
    await expect(runtime.load(hostile.leakViaInitializer('data/jwt-secret', 0))).rejects.toThrow(/external data/);
    await expect(runtime.load(hostile.disallowedOperator())).rejects.toThrow(/operator Sin/);
  });

  it('predicts a batch larger than the probed maximum in chunks, row for row', async () => {
    const loaded = await runtime.load(bytes);
    try {
      const X = rows.slice(0, 2500).map((r) => r.features);
      const whole = await loaded.predict(X);
      expect(whole).toHaveLength(2500);
      expect(whole[2499]).toBeCloseTo((await loaded.predict([X[2499]]))[0], 6);
    } finally {
      await loaded.release();
    }
  });
});

import { UnprocessableError } from '../../domain/shared/errors';
import { exportConflictModelToOnnx } from '../../ml/onnx-export';
import { syntheticConflictRows } from '../../ml/synthetic-conflict-data';
import { conflictModelPredictor, trainConflictModel } from '../../ml/train-conflict-model';
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
});

import { threadId } from 'node:worker_threads';
import { DomainError } from '../../domain/shared/errors';
import { selectActiveLearningBatch } from '../../ml/active-learning';
import { syntheticConflictRows } from '../../ml/synthetic-conflict-data';
import { trainConflictModel } from '../../ml/train-conflict-model';
import { TrainingInputError } from '../../ml/training-input-error';
import { MlCompute } from './ml-compute';

describe('MlCompute: training and selection in a worker thread', () => {
  const compute = new MlCompute();
  afterAll(() => compute.onModuleDestroy());

  it('trains the same model as the pure function, in another thread', async () => {
    const rows = syntheticConflictRows(1500, { seed: 3 });
    const trained = await compute.trainConflictModel(rows);
    expect(compute.lastThreadId).not.toBeNull();
    expect(compute.lastThreadId).not.toBe(threadId);
    expect(trained).toEqual(trainConflictModel(rows));
  });

  it('selects the same active-learning batch as the pure function', async () => {
    const pool = Array.from({ length: 300 }, (_, i) => ({ exampleId: `ex-${i}`, uncertainty: (i * 37) % 100 / 100, isCorrection: i % 17 === 0, features: [i % 2, (i * 7) % 3, i / 300] }));
    const options = { batchSize: 20, seed: 'batch-1' };
    expect(await compute.selectActiveLearningBatch(pool, options)).toEqual(selectActiveLearningBatch(pool, options));
  });

  it('keeps a refused training a TrainingInputError with its details (the caller answers 422), and the worker keeps serving', async () => {
    const error = await compute.trainConflictModel(syntheticConflictRows(20, { seed: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingInputError);
    expect(error).not.toBeInstanceOf(DomainError);
    expect((error as TrainingInputError).message).toBe('need at least 100 labelled syncs to train, got 20');
    expect((error as TrainingInputError).details).toEqual({ rows: 20, required: 100 });
    expect((await compute.trainConflictModel(syntheticConflictRows(1500, { seed: 4 }))).algorithm).toBe('logistic_regression');
  });
});

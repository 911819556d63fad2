import { parentPort, threadId } from 'node:worker_threads';
import { DomainError } from '../../domain/shared/errors';
import { selectActiveLearningBatch } from '../../ml/active-learning';
import { trainConflictModel } from '../../ml/train-conflict-model';
import { TrainingInputError } from '../../ml/training-input-error';
import { ComputeReply, ComputeTask } from './ml-compute.protocol';

/** Pure src/ml code, run here so its seconds of CPU never hold the server's event loop. */
function run(task: ComputeTask): unknown {
  switch (task.kind) {
    case 'trainConflictModel':
      return trainConflictModel(task.rows);
    case 'selectActiveLearningBatch':
      return selectActiveLearningBatch(task.pool, task.options);
  }
}

const port = parentPort;
if (!port) throw new Error('the ML compute worker runs in a worker thread');
port.on('message', ({ id, task }: { id: number; task: ComputeTask }) => {
  let reply: ComputeReply;
  try {
    reply = { id, threadId, ok: true, value: run(task) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    reply = { id, threadId, ok: false, error: { name: e.name, message: e.message, ...(e instanceof DomainError ? { kind: e.kind, details: e.details } : e instanceof TrainingInputError ? { details: e.details } : {}) } };
  }
  port.postMessage(reply);
});

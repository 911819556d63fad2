import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import { DomainError } from '../../domain/shared/errors';
import type { ActiveLearningBatch, PoolExample, SelectionOptions } from '../../ml/active-learning';
import type { ConflictTrainingRow, TrainedConflictModel } from '../../ml/train-conflict-model';
import { TrainingInputError } from '../../ml/training-input-error';
import type { MlComputePort } from '../../ports/ml-compute.port';
import { ThreadCalls, workerEntry } from '../thread-calls';
import { ComputeReply, ComputeTask } from './ml-compute.protocol';

/**
 * Model training and the active-learning selection in a worker thread (started on first use, one
 * task at a time): a training request no longer stalls every other request and lease renewal.
 */
@Injectable()
export class MlCompute implements MlComputePort, OnModuleDestroy {
  private worker: Worker | null = null;
  private readonly calls = new ThreadCalls();
  /** The thread that ran the last task (never the main thread's id, 0). */
  lastThreadId: number | null = null;

  trainConflictModel(rows: readonly ConflictTrainingRow[]): Promise<TrainedConflictModel> {
    return this.run<TrainedConflictModel>({ kind: 'trainConflictModel', rows });
  }

  selectActiveLearningBatch(pool: readonly PoolExample[], options: SelectionOptions): Promise<ActiveLearningBatch> {
    return this.run<ActiveLearningBatch>({ kind: 'selectActiveLearningBatch', pool, options });
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private run<T>(task: ComputeTask): Promise<T> {
    const worker = this.worker ?? this.spawn();
    const { id, answer } = this.calls.add<T>(worker);
    worker.postMessage({ id, task });
    return answer;
  }

  private spawn(): Worker {
    const { file, execArgv } = workerEntry(__filename, 'ml-compute.worker');
    const worker = new Worker(file, { execArgv });
    worker.unref();
    worker.on('message', (reply: ComputeReply) => this.settle(reply));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new Error(`the ML compute thread exited (code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private settle(reply: ComputeReply): void {
    this.lastThreadId = reply.threadId;
    if (reply.ok) {
      this.calls.settle(reply.id, { value: reply.value }, this.worker);
      return;
    }
    const { name, message, kind, details } = reply.error;
    // Rebuilt as a DomainError of the same kind, so the exception filter answers as before (422...),
    // and refused training rows as the TrainingInputError the caller answers.
    const error = kind ? new DomainError(kind, message, details) : name === 'TrainingInputError' ? new TrainingInputError(message, details) : new Error(message);
    error.name = name;
    this.calls.settle(reply.id, { error }, this.worker);
  }

  private failAll(error: Error): void {
    this.calls.failAll(error);
  }
}

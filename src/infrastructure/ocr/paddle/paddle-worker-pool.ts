import { Worker } from 'node:worker_threads';
import { UnavailableError, UnprocessableError } from '../../../domain/shared/errors';
import type { OcrEngine, OcrMode, OcrResult } from '../../../ports/ocr-engine.port';
import type { PaddleOcrEngineOptions } from './paddle-ocr.engine';
import { workerEntry } from '../../thread-calls';

export interface WorkerRequest {
  readonly id: number;
  readonly mode: OcrMode;
  readonly image: Uint8Array;
}

export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly result: OcrResult }
  | { readonly type: 'error'; readonly id: number; readonly kind: 'unprocessable' | 'unavailable' | 'error'; readonly message: string };

export interface PaddleWorkerPoolOptions {
  /** Worker threads, each with its own models (~100 MB); one per core is plenty. */
  readonly size: number;
  readonly engine?: PaddleOcrEngineOptions;
  readonly startTimeoutMs?: number;
  readonly recognizeTimeoutMs?: number;
}

interface Pending {
  readonly resolve: (result: OcrResult) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

/**
 * PaddleOCR in a pool of worker threads: photos run in parallel on the cores and never block the
 * server's event loop. Each photo goes to the least busy worker; a worker that dies fails only its
 * own photos (503, retryable) and is replaced.
 */
export class PaddleWorkerPool implements OcrEngine {
  private slots: Slot[] = [];
  private nextId = 1;
  private stopping = false;
  private readonly size: number;
  private readonly startTimeoutMs: number;
  private readonly recognizeTimeoutMs: number;

  constructor(private readonly options: PaddleWorkerPoolOptions) {
    this.size = Math.max(1, Math.floor(options.size));
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
    this.recognizeTimeoutMs = options.recognizeTimeoutMs ?? 30_000;
  }

  async start(): Promise<void> {
    if (this.slots.length > 0) return;
    this.stopping = false;
    const started = await Promise.allSettled(Array.from({ length: this.size }, () => this.spawn()));
    const slots = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      await Promise.allSettled(slots.map((s) => s.worker.terminate()));
      throw failure.reason instanceof UnavailableError ? failure.reason : new UnavailableError(`PaddleOCR workers could not start: ${String(failure.reason)}`);
    }
    this.slots = slots;
  }

  private spawn(): Promise<Slot> {
    const { file, execArgv } = workerEntry(__filename, 'paddle-ocr.worker');
    const worker = new Worker(file, { workerData: this.options.engine ?? {}, execArgv });
    const slot: Slot = { worker, pending: new Map() };
    return new Promise<Slot>((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new UnavailableError(`PaddleOCR worker did not start within ${this.startTimeoutMs} ms`));
      }, this.startTimeoutMs);
      timer.unref();
      const onStartup = (reply: WorkerReply) => {
        if (reply.type !== 'ready' && reply.type !== 'failed') return;
        clearTimeout(timer);
        worker.off('message', onStartup);
        if (reply.type === 'failed') {
          void worker.terminate();
          reject(new UnavailableError(reply.message));
          return;
        }
        worker.on('message', (message: WorkerReply) => this.settle(slot, message));
        resolve(slot);
      };
      worker.on('message', onStartup);
      worker.once('error', (error) => {
        clearTimeout(timer);
        reject(new UnavailableError(`PaddleOCR worker failed: ${error.message}`));
      });
      worker.once('exit', () => this.lost(slot));
    });
  }

  private settle(slot: Slot, reply: WorkerReply): void {
    if (reply.type !== 'result' && reply.type !== 'error') return;
    const pending = slot.pending.get(reply.id);
    if (!pending) return;
    slot.pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.type === 'result') pending.resolve(reply.result);
    else if (reply.kind === 'unprocessable') pending.reject(new UnprocessableError(reply.message));
    else pending.reject(new UnavailableError(`OCR failed: ${reply.message}`));
  }

  /** A worker exited: its photos fail as retryable, and a fresh worker takes its place. */
  private lost(slot: Slot): void {
    for (const [id, pending] of slot.pending) {
      clearTimeout(pending.timer);
      pending.reject(new UnavailableError('the OCR worker stopped; try again'));
      slot.pending.delete(id);
    }
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    if (!this.stopping) {
      this.spawn().then(
        (fresh) => (this.stopping ? void fresh.worker.terminate() : this.slots.push(fresh)),
        () => undefined,
      );
    }
  }

  recognize(image: Buffer, mode: OcrMode): Promise<OcrResult> {
    if (this.slots.length === 0) return Promise.reject(new UnavailableError('OCR engine is not started'));
    const slot = this.slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
    const id = this.nextId++;
    return new Promise<OcrResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        slot.pending.delete(id);
        reject(new UnavailableError(`OCR job timed out after ${this.recognizeTimeoutMs} ms`));
      }, this.recognizeTimeoutMs);
      timer.unref();
      slot.pending.set(id, { resolve, reject, timer });
      // A copy, so the caller's buffer (often a slice of a larger one) stays usable.
      const copy = new Uint8Array(image);
      slot.worker.postMessage({ id, mode, image: copy } satisfies WorkerRequest, [copy.buffer]);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const slots = this.slots;
    this.slots = [];
    await Promise.allSettled(slots.map((s) => s.worker.terminate()));
  }
}

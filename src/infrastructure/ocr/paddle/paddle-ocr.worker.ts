import { parentPort, workerData } from 'node:worker_threads';
import { UnavailableError, UnprocessableError } from '../../../domain/shared/errors';
import type { OcrMode } from '../../../ports/ocr-engine.port';
import { PaddleOcrEngine, type PaddleOcrEngineOptions } from './paddle-ocr.engine';
import type { WorkerReply, WorkerRequest } from './paddle-worker-pool';

/**
 * One PaddleOCR engine in a worker thread. onnxruntime-node runs a session synchronously on the
 * calling thread, so in the server's thread every photo would stall every request for ~20-50 ms;
 * here it only occupies this worker.
 */
const port = parentPort;
if (port === null) throw new Error('paddle-ocr.worker must run as a worker thread');
const engine = new PaddleOcrEngine(workerData as PaddleOcrEngineOptions);

engine.start().then(
  () => port.postMessage({ type: 'ready' } satisfies WorkerReply),
  (error: unknown) => port.postMessage({ type: 'failed', message: (error as Error).message } satisfies WorkerReply),
);

port.on('message', (request: WorkerRequest) => {
  const image = Buffer.from(request.image.buffer, request.image.byteOffset, request.image.byteLength);
  engine.recognize(image, request.mode as OcrMode).then(
    (result) => port.postMessage({ type: 'result', id: request.id, result } satisfies WorkerReply),
    (error: unknown) => {
      const kind = error instanceof UnprocessableError ? 'unprocessable' : error instanceof UnavailableError ? 'unavailable' : 'error';
      port.postMessage({ type: 'error', id: request.id, kind, message: (error as Error).message } satisfies WorkerReply);
    },
  );
});

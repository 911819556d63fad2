import * as os from 'node:os';
import { CalibratedOcrEngine } from '../src/infrastructure/ocr/calibration/calibrated-ocr.engine';
import { defaultActiveCalibrations } from '../src/infrastructure/ocr/calibration/default-calibrations';
import { MutableOcrCalibrations } from '../src/ports/ocr-calibrations.port';
import type { OcrEngine, OcrMode } from '../src/ports/ocr-engine.port';
import { PaddleOcrEngine } from '../src/infrastructure/ocr/paddle/paddle-ocr.engine';
import { PaddleWorkerPool } from '../src/infrastructure/ocr/paddle/paddle-worker-pool';
import { TesseractOcrEngine } from '../src/infrastructure/ocr/tesseract-ocr.engine';
import { loadSet, scoreSet } from '../test/ocr/ocr-dev-set';
import { renderMeterPhoto, renderPlatePhoto } from '../test/support/photos';
import { BenchRow } from './support';


const SAMPLE_SIZE = 40;

/** A fixed mix: half meters, half plates, deterministic texts so runs compare. */
async function sampleImages(): Promise<Array<{ image: Buffer; mode: OcrMode }>> {
  const out: Array<{ image: Buffer; mode: OcrMode }> = [];
  for (let i = 0; i < SAMPLE_SIZE / 2; i += 1) {
    out.push({ image: await renderMeterPhoto(`${String(1000 + i * 7919).padStart(6, '0')}.${i % 10}`), mode: 'meter' });
    const letters = String.fromCharCode(65 + (i % 26), 65 + ((i * 7) % 26), 65 + ((i * 11) % 26));
    out.push({ image: await renderPlatePhoto(`${letters}${String(1000 + i * 37).slice(-4)}`), mode: 'plate' });
  }
  return out;
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function throughput(name: string, engine: OcrEngine, images: Array<{ image: Buffer; mode: OcrMode }>): Promise<BenchRow[]> {
  await engine.start();
  try {
    await engine.recognize(images[0].image, images[0].mode); // warm-up: first job pays model init
    const latencies: number[] = [];
    const started = process.hrtime.bigint();
    await Promise.all(
      images.map(async ({ image, mode }) => {
        const t0 = process.hrtime.bigint();
        await engine.recognize(image, mode);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    latencies.sort((a, b) => a - b);
    const suite = `ocr/${name}`;
    const note = `${images.length} generated images, all submitted at once (latency includes queueing)`;
    return [
      { suite, metric: 'throughput', value: round(images.length / seconds), unit: 'images/s', note },
      { suite, metric: 'p50', value: round(percentile(latencies, 50)), unit: 'ms' },
      { suite, metric: 'p95', value: round(percentile(latencies, 95)), unit: 'ms' },
    ];
  } finally {
    await engine.stop();
  }
}

/** The default engine (PaddleOCR with the shipped calibration) on the real photos; `npm run eval:ocr` has the full comparison. */
async function accuracy(): Promise<BenchRow[]> {
  const engine = new CalibratedOcrEngine(new PaddleOcrEngine(), new MutableOcrCalibrations(defaultActiveCalibrations()));
  await engine.start();
  try {
    const rows: BenchRow[] = [];
    for (const [set, mode] of [['plates', 'plate'], ['meters', 'meter']] as const) {
      const s = await scoreSet(engine, await loadSet(set), mode);
      const suite = `ocr-dev/${set} (paddle, calibrated)`;
      rows.push(
        { suite, metric: 'exact match', value: round(s.exactRate), unit: 'ratio', note: `${s.exact}/${s.count}` },
        { suite, metric: 'accuracy at conf>=0.7', value: round(s.accuracyConfident), unit: 'ratio', note: `${s.confident} readings` },
        { suite, metric: 'accuracy at conf<0.7', value: round(s.accuracyUnconfident), unit: 'ratio', note: `${s.count - s.confident} readings` },
        { suite, metric: 'wrong readings captured', value: round(s.wrongCaught), unit: 'ratio', note: 'share of misreads with conf<0.7' },
      );
    }
    return rows;
  } finally {
    await engine.stop();
  }
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

export default async function run(): Promise<BenchRow[]> {
  const images = await sampleImages();
  const cores = Math.max(1, os.cpus().length);
  return [
    // onnxruntime-node runs a session on the calling thread: in process, photos queue on the event loop.
    ...(await throughput('paddle-in-process', new PaddleOcrEngine({ threads: 1 }), images)),
    ...(await throughput(`paddle-workers-${cores}`, new PaddleWorkerPool({ size: cores }), images)),
    ...(await throughput('tesseract-pool-1', new TesseractOcrEngine({ poolSize: 1 }), images)),
    ...(cores > 1 ? await throughput(`tesseract-pool-${cores}`, new TesseractOcrEngine({ poolSize: cores }), images) : []),
    ...(await accuracy()),
  ];
}

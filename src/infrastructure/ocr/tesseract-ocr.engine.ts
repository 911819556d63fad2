import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PSM, createScheduler, createWorker, type Page, type Scheduler, type Worker } from 'tesseract.js';
import { UnavailableError } from '../../domain/shared/errors';
import { withTimeout } from './with-timeout';
import { deriveConfidence } from './ocr-confidence';
import type { OcrEngine, OcrMode, OcrResult } from '../../ports/ocr-engine.port';
import { prepareOcrVariants } from './image-preparation';
import { fitPlateLayout, isMeterFormat, isPlateFormat, mixesLettersAndDigits, normaliseMeter, normalisePlate, parseMeterValue } from '../../domain/readings/reading-format';

export interface TesseractOcrEngineOptions {
  /** Workers per mode; each mode has its own scheduler because whitelist and PSM are per worker. */
  readonly poolSize?: number;
  /** Folder holding eng.traineddata.gz; defaults to @tesseract.js-data/eng's 4.0.0_best_int. */
  readonly langPath?: string;
  readonly startTimeoutMs?: number;
  readonly recognizeTimeoutMs?: number;
  readonly plateLayouts?: readonly string[];
}

const MODES: readonly OcrMode[] = ['meter', 'plate'];
const WHITELIST: Readonly<Record<OcrMode, string>> = {
  meter: '0123456789.',
  plate: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
};
const ENGINE_ID = 'tesseract.js@7/eng-4.0.0_best_int/line-variants-v1';

interface VariantReading {
  readonly raw: string;
  readonly text: string;
  readonly symbols: number[];
  readonly formatOk: boolean;
  readonly layoutScore: number;
}

function defaultLangPath(): string {
  return path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
}

function symbolConfidences(page: Page): number[] {
  const out: number[] = [];
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        for (const word of line.words) for (const symbol of word.symbols) if (/[A-Z0-9.]/.test(symbol.text)) out.push(symbol.confidence);
      }
    }
  }
  return out;
}

export class TesseractOcrEngine implements OcrEngine {
  private readonly poolSize: number;
  private readonly langPath: string;
  private readonly startTimeoutMs: number;
  private readonly recognizeTimeoutMs: number;
  private readonly plateLayouts: readonly string[];
  private schedulers: Record<OcrMode, Scheduler> | null = null;
  private workers: Worker[] = [];
  /** The last job failure the worker reported; without an errorHandler it would crash the process. */
  lastWorkerError: unknown = null;

  constructor(options: TesseractOcrEngineOptions = {}) {
    this.poolSize = Math.max(1, Math.floor(options.poolSize ?? 1));
    this.langPath = options.langPath ?? defaultLangPath();
    this.startTimeoutMs = options.startTimeoutMs ?? 30_000;
    this.recognizeTimeoutMs = options.recognizeTimeoutMs ?? 15_000;
    this.plateLayouts = options.plateLayouts ?? [];
  }

  async start(): Promise<void> {
    if (this.schedulers !== null) return;
    await this.assertLanguageData();
    const created: Worker[] = [];
    const startWorker = async (mode: OcrMode): Promise<Worker> => {
      const worker = await createWorker('eng', 1, {
        langPath: this.langPath,
        gzip: true,
        cacheMethod: 'none',
        errorHandler: (error: unknown) => {
          this.lastWorkerError = error;
        },
      });
      created.push(worker);
      await worker.setParameters({
        tessedit_char_whitelist: WHITELIST[mode],
        // PSM 7: the preparation step hands over exactly one line of characters.
        tessedit_pageseg_mode: PSM.SINGLE_LINE,
        // Crops carry no DPI; without a value Tesseract guesses (and warns) per image.
        user_defined_dpi: '300',
      });
      return worker;
    };
    try {
      const byMode = await withTimeout(
        Promise.all(MODES.map(async (mode) => ({ mode, workers: await Promise.all(Array.from({ length: this.poolSize }, () => startWorker(mode))) }))),
        this.startTimeoutMs,
        'starting OCR workers',
      );
      const schedulers = { meter: createScheduler(), plate: createScheduler() };
      for (const { mode, workers } of byMode) for (const worker of workers) schedulers[mode].addWorker(worker);
      this.workers = created;
      this.schedulers = schedulers;
    } catch (error) {
      await Promise.allSettled(created.map((w) => w.terminate()));
      throw error;
    }
  }

  /**
   * With a bad langPath createWorker never settles and its half-started worker thread keeps the
   * process alive (the start timeout cannot reach it), so a local folder is checked up front.
   */
  private async assertLanguageData(): Promise<void> {
    if (/^https?:\/\//.test(this.langPath)) return;
    const file = path.join(this.langPath, 'eng.traineddata.gz');
    try {
      await fs.access(file);
    } catch {
      throw new UnavailableError(`OCR language data not found at ${file}`);
    }
  }

  async stop(): Promise<void> {
    const workers = this.workers;
    this.schedulers = null;
    this.workers = [];
    // Terminate workers directly: Scheduler.terminate does not wait for them to exit.
    await Promise.allSettled(workers.map((w) => w.terminate()));
  }

  async recognize(image: Buffer, mode: OcrMode): Promise<OcrResult> {
    const schedulers = this.schedulers;
    if (schedulers === null) throw new UnavailableError('OCR engine is not started');
    const variants = await prepareOcrVariants(image, mode === 'meter');
    const readings = await Promise.all(
      variants.images.map(async (png) => {
        const { data } = await withTimeout(schedulers[mode].addJob('recognize', png, {}, { text: true, blocks: true }), this.recognizeTimeoutMs, 'OCR job');
        return this.interpret(data, mode);
      }),
    );
    // The masked variant reads best on clean crops; prefer a variant whose text has the right shape.
    const [first, second] = readings;
    const kept = !first.formatOk && second.formatOk ? second : first;
    const confidence = deriveConfidence({
      text: kept.text,
      symbolConfidences: kept.symbols,
      variantsAgree: first.text === second.text,
      formatOk: kept.formatOk,
      layoutScore: kept.layoutScore,
      lineFound: variants.lineFound,
      characterCount: variants.characterCount,
      coverage: variants.coverage,
    });
    return {
      text: kept.text,
      rawText: kept.raw,
      value: mode === 'meter' ? parseMeterValue(kept.text) : null,
      unit: null,
      // Uncalibrated here; CalibratedOcrEngine maps the score to a probability of being right.
      confidence,
      score: confidence,
      calibrationId: null,
      engineName: 'tesseract',
      engine: ENGINE_ID,
    };
  }

  private interpret(page: Page, mode: OcrMode): VariantReading {
    const raw = page.text.trim();
    const symbols = symbolConfidences(page);
    if (mode === 'meter') {
      const text = normaliseMeter(raw);
      return { raw, text, symbols, formatOk: isMeterFormat(text), layoutScore: 1 };
    }
    const fit = fitPlateLayout(normalisePlate(raw), this.plateLayouts);
    // Without layouts no layout is preferred: a reading mixing letters and digits has the shape of a plate.
    const layoutScore = this.plateLayouts.length === 0 ? (mixesLettersAndDigits(fit.text) ? 1 : 0) : fit.layout === null ? 0 : 1 - 0.25 * fit.swaps;
    return { raw, text: fit.text, symbols, formatOk: isPlateFormat(fit.text), layoutScore };
  }
}

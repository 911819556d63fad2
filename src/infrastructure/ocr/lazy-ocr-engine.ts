import { OcrEngine, OcrMode, OcrResult } from '../../ports/ocr-engine.port';

/**
 * Starts the worker pool once, the first time it is asked (at application start in the server,
 * or on first use), and shares that start between concurrent callers. Stops cleanly.
 */
export class LazyOcrEngine implements OcrEngine {
  private starting: Promise<void> | null = null;

  constructor(private readonly inner: OcrEngine) {}

  start(): Promise<void> {
    this.starting ??= this.inner.start().catch((error: unknown) => {
      this.starting = null;
      throw error;
    });
    return this.starting;
  }

  async recognize(image: Buffer, mode: OcrMode): Promise<OcrResult> {
    await this.start();
    return this.inner.recognize(image, mode);
  }

  async stop(): Promise<void> {
    if (!this.starting) return;
    await this.starting.catch(() => undefined);
    this.starting = null;
    await this.inner.stop();
  }
}

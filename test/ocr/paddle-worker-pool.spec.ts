import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { UnavailableError, UnprocessableError } from '../../src/domain/shared/errors';
import { PaddleOcrEngine } from '../../src/infrastructure/ocr/paddle/paddle-ocr.engine';
import { PaddleWorkerPool } from '../../src/infrastructure/ocr/paddle/paddle-worker-pool';
import { notAnImage } from '../support/photos';

jest.setTimeout(120_000);

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'ocr-dev');
const PHOTOS: ReadonlyArray<readonly [string, 'plate' | 'meter']> = [
  ['plate_001.png', 'plate'],
  ['plate_037.png', 'plate'],
  ['plate_051.png', 'plate'],
  ['digit_005.png', 'meter'],
  ['digit_047.png', 'meter'],
  ['digit_088.png', 'meter'],
];

/** The pool's workers, for the test that kills one. */
const workersOf = (pool: PaddleWorkerPool): Worker[] => (pool as unknown as { slots: Array<{ worker: Worker }> }).slots.map((s) => s.worker);

describe('PaddleOCR worker pool', () => {
  const pool = new PaddleWorkerPool({ size: 2 });
  beforeAll(() => pool.start());
  afterAll(() => pool.stop());

  it('given photos in parallel, then each reads exactly as the engine does in process', async () => {
    const inProcess = new PaddleOcrEngine();
    await inProcess.start();
    try {
      const photos = await Promise.all(PHOTOS.map(async ([name, mode]) => ({ name, mode, image: await fs.readFile(path.join(FIXTURES, name)) })));
      const pooled = await Promise.all(photos.map((p) => pool.recognize(p.image, p.mode)));
      for (const [i, p] of photos.entries()) expect({ name: p.name, ...pooled[i] }).toEqual({ name: p.name, ...(await inProcess.recognize(p.image, p.mode)) });
    } finally {
      await inProcess.stop();
    }
  });

  it('given bytes that are no image, then the same 422 error as in process', async () => {
    await expect(pool.recognize(notAnImage(), 'meter')).rejects.toBeInstanceOf(UnprocessableError);
  });

  it('given a worker that dies mid-photo, then only its photo fails (retryable) and the pool recovers', async () => {
    const image = await fs.readFile(path.join(FIXTURES, 'plate_001.png'));
    const [victim] = workersOf(pool);
    // The least busy worker takes each photo: the first goes to the victim, the second to the other.
    const both = Promise.allSettled([pool.recognize(image, 'plate'), pool.recognize(image, 'plate')]);
    await victim.terminate();
    const [lost, kept] = await both;
    expect(lost.status === 'rejected' && lost.reason).toBeInstanceOf(UnavailableError);
    expect(kept.status === 'fulfilled' && kept.value.text).toBe('AYO9034');
    let reading = null;
    for (let attempt = 0; attempt < 100 && reading === null; attempt += 1) {
      reading = await pool.recognize(image, 'plate').catch(() => null);
      if (reading === null) await new Promise((r) => setTimeout(r, 100));
    }
    expect(reading?.text).toBe('AYO9034');
    // The lost worker was replaced.
    for (let attempt = 0; attempt < 100 && workersOf(pool).length < 2; attempt += 1) await new Promise((r) => setTimeout(r, 100));
    expect(workersOf(pool)).toHaveLength(2);
  });

  it('given a stopped pool, then it refuses work', async () => {
    const other = new PaddleWorkerPool({ size: 1 });
    await other.start();
    await other.stop();
    await expect(other.recognize(notAnImage(), 'plate')).rejects.toThrow(/not started/);
  });
});

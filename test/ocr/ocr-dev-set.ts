import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { OcrEngine, OcrMode, OcrResult } from '../../src/ports/ocr-engine.port';

/**
 * Real photos with ground truth, found from the repository root: OCR_DEV_DIR (absolute, or
 * relative to the root), by default the sets checked out beside the repository.
 */
export const OCR_DEV_DIR = path.resolve(__dirname, '..', '..', process.env.OCR_DEV_DIR ?? path.join('..', 'shared', 'ocr-dev'));

/** True when the sets are present; otherwise says so plainly, once per file, so a skip is never silent. */
export function devSetsPresent(): boolean {
  const present = existsSync(path.join(OCR_DEV_DIR, 'plates', 'truth.tsv'));
  if (!present) process.stdout.write(`SKIPPED: OCR development sets not found at ${OCR_DEV_DIR} (set OCR_DEV_DIR)\n`);
  return present;
}
export const CAPTURE_THRESHOLD = 0.7;

export interface LabelledPhoto {
  readonly name: string;
  readonly truth: string;
  readonly file: string;
}

export interface SetScore {
  readonly count: number;
  readonly exact: number;
  readonly exactRate: number;
  readonly confident: number;
  /** Exact-match rate among readings with confidence >= 0.7 (what the product trusts). */
  readonly accuracyConfident: number;
  /** Exact-match rate among readings with confidence < 0.7 (what the product captures). */
  readonly accuracyUnconfident: number;
  /** Share of wrong readings that were sent to capture (confidence < 0.7). */
  readonly wrongCaught: number;
  readonly results: ReadonlyArray<{ photo: LabelledPhoto; result: OcrResult }>;
}

export async function loadSet(set: 'plates' | 'plates-euus' | 'meters', every = 1): Promise<LabelledPhoto[]> {
  const dir = path.join(OCR_DEV_DIR, set);
  const lines = (await fs.readFile(path.join(dir, 'truth.tsv'), 'utf8')).trim().split('\n');
  return lines
    .map((line) => line.split('\t'))
    .filter((_, i) => i % every === 0)
    .map(([name, truth]) => ({ name, truth: truth.trim(), file: path.join(dir, name) }));
}

export async function scoreSet(engine: OcrEngine, photos: readonly LabelledPhoto[], mode: OcrMode): Promise<SetScore> {
  const results = await Promise.all(photos.map(async (photo) => ({ photo, result: await engine.recognize(await fs.readFile(photo.file), mode) })));
  const right = (r: { photo: LabelledPhoto; result: OcrResult }): boolean => r.result.text === r.photo.truth;
  const high = results.filter((r) => r.result.confidence >= CAPTURE_THRESHOLD);
  const low = results.filter((r) => r.result.confidence < CAPTURE_THRESHOLD);
  const wrong = results.filter((r) => !right(r));
  const rate = (xs: typeof results): number => (xs.length === 0 ? 0 : xs.filter(right).length / xs.length);
  return {
    count: results.length,
    exact: results.filter(right).length,
    exactRate: rate(results),
    confident: high.length,
    accuracyConfident: rate(high),
    accuracyUnconfident: rate(low),
    wrongCaught: wrong.length === 0 ? 1 : wrong.filter((r) => r.result.confidence < CAPTURE_THRESHOLD).length / wrong.length,
    results,
  };
}

/**
 * Features for the active-learning selector (k-center diversity). Near-duplicate photos (the
 * same meter re-shot, re-encoded or slightly rescaled) must land on nearly the same vector, so
 * every feature is computed from a heavily downscaled grey image and bounded to 0..1. Decoding
 * the photo into that grey image is the adapter's work (`ports/image-features.port.ts`).
 */
export interface ImageFeatures {
  /** 64-bit DCT perceptual hash, 16 hex digits. */
  readonly phash: string;
  /**
   * 64 phash bits (0/1), then: aspect ratio as clamp(log2(w/h), -4, 4)/8 + 0.5; mean brightness
   * /255; contrast (grey standard deviation /128, capped at 1); edge density (share of 32x32
   * neighbour pairs differing by more than 32 grey levels). 68 numbers in 0..1.
   */
  readonly vector: number[];
}

export interface TextFeatures {
  readonly length: number;
  readonly digitShare: number;
  readonly letterShare: number;
}

/** Side of the square grey image the features are computed from. */
export const IMAGE_FEATURES_SIZE = 32;
const HASH_SIZE = IMAGE_FEATURES_SIZE;
const LOW_FREQUENCIES = 8;

/** Orthonormal 1-D DCT-II basis, built once per call site (32x32 is cheap). */
function dctMatrix(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let k = 0; k < n; k += 1) {
    const scale = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
    for (let i = 0; i < n; i += 1) m[k * n + i] = scale * Math.cos(((2 * i + 1) * k * Math.PI) / (2 * n));
  }
  return m;
}

/** Low-frequency 8x8 block of the 2-D DCT of a 32x32 image, row-major. */
function lowFrequencyDct(pixels: Uint8Array): number[] {
  const n = HASH_SIZE;
  const d = dctMatrix(n);
  const rows = new Float64Array(LOW_FREQUENCIES * n);
  for (let k = 0; k < LOW_FREQUENCIES; k += 1) {
    for (let x = 0; x < n; x += 1) {
      let s = 0;
      for (let y = 0; y < n; y += 1) s += d[k * n + y] * pixels[y * n + x];
      rows[k * n + x] = s;
    }
  }
  const out: number[] = [];
  for (let k = 0; k < LOW_FREQUENCIES; k += 1) {
    for (let l = 0; l < LOW_FREQUENCIES; l += 1) {
      let s = 0;
      for (let x = 0; x < n; x += 1) s += d[l * n + x] * rows[k * n + x];
      out.push(s);
    }
  }
  return out;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 0 ? (sorted[mid - 1] + sorted[mid]) / 2 : sorted[mid];
}

/**
 * The features of a photo of `width` x `height` pixels, from its grey image resized to
 * IMAGE_FEATURES_SIZE x IMAGE_FEATURES_SIZE (`pixels`, row-major, one byte each).
 */
export function greyImageFeatures(pixels: Uint8Array, width: number, height: number): ImageFeatures {
  const coefficients = lowFrequencyDct(pixels);
  // The DC term only encodes overall brightness (kept separately below), so it does not vote.
  const threshold = median(coefficients.slice(1));
  const bits = coefficients.map((c) => (c > threshold ? 1 : 0));
  let phash = '';
  for (let i = 0; i < 64; i += 4) phash += ((bits[i] << 3) | (bits[i + 1] << 2) | (bits[i + 2] << 1) | bits[i + 3]).toString(16);

  let sum = 0;
  for (const v of pixels) sum += v;
  const mean = sum / pixels.length;
  let variance = 0;
  for (const v of pixels) variance += (v - mean) ** 2;
  let edges = 0;
  for (let y = 0; y < HASH_SIZE; y += 1) {
    for (let x = 0; x < HASH_SIZE - 1; x += 1) if (Math.abs(pixels[y * HASH_SIZE + x] - pixels[y * HASH_SIZE + x + 1]) > 32) edges += 1;
  }
  const aspect = Math.min(4, Math.max(-4, Math.log2(width / height))) / 8 + 0.5;
  const contrast = Math.min(1, Math.sqrt(variance / pixels.length) / 128);
  return { phash, vector: [...bits, aspect, mean / 255, contrast, edges / (HASH_SIZE * (HASH_SIZE - 1))] };
}

export function textFeatures(text: string): TextFeatures {
  const length = text.length;
  if (length === 0) return { length: 0, digitShare: 0, letterShare: 0 };
  const digits = (text.match(/\p{Nd}/gu) ?? []).length;
  const letters = (text.match(/\p{L}/gu) ?? []).length;
  return { length, digitShare: digits / length, letterShare: letters / length };
}

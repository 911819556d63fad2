import { UnprocessableError } from '../../../domain/shared/errors';
import { CORRUPT_PHOTO, openPhoto, readPhotoSize } from '../photo-format';

/** Interleaved 8-bit RGB pixels. */
export interface RgbImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** Larger photos are scaled down first: the detector never needs more than this on the long side. */
const MAX_WORKING_SIDE = 1600;

/** Decodes PNG or JPEG only (the API contract); anything else is a 422, never a 500. */
export async function decodeRgb(image: Buffer): Promise<RgbImage> {
  const { width, height } = await readPhotoSize(image);
  try {
    let pipeline = openPhoto(image);
    if (Math.max(width, height) > MAX_WORKING_SIDE) pipeline = pipeline.resize({ width: MAX_WORKING_SIDE, height: MAX_WORKING_SIDE, fit: 'inside' });
    const { data, info } = await pipeline.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch {
    throw new UnprocessableError(CORRUPT_PHOTO);
  }
}

export interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Bilinear resample of a region of `image` to `width` x `height`, written as planar BGR floats
 * normalised per channel: (v / 255 - mean) / std. PaddleOCR's models were trained on OpenCV's BGR
 * order with these constants, so both matter.
 */
export function toNormalisedBgrTensor(
  image: RgbImage,
  region: Region,
  width: number,
  height: number,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
  out: Float32Array = new Float32Array(3 * width * height),
  outWidth: number = width,
): Float32Array {
  const plane = outWidth * height;
  const sx = region.width / width;
  const sy = region.height / height;
  const src = image.data;
  const stride = image.width * 3;
  for (let y = 0; y < height; y += 1) {
    const fy = Math.min(region.height - 1, Math.max(0, (y + 0.5) * sy - 0.5)) + region.y;
    const y0 = Math.floor(fy);
    const y1 = Math.min(image.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x += 1) {
      const fx = Math.min(region.width - 1, Math.max(0, (x + 0.5) * sx - 0.5)) + region.x;
      const x0 = Math.floor(fx);
      const x1 = Math.min(image.width - 1, x0 + 1);
      const wx = fx - x0;
      const a = y0 * stride + x0 * 3;
      const b = y0 * stride + x1 * 3;
      const c = y1 * stride + x0 * 3;
      const d = y1 * stride + x1 * 3;
      const o = y * outWidth + x;
      for (let ch = 0; ch < 3; ch += 1) {
        const v = (src[a + ch] * (1 - wx) + src[b + ch] * wx) * (1 - wy) + (src[c + ch] * (1 - wx) + src[d + ch] * wx) * wy;
        // RGB channel ch goes to BGR plane 2 - ch.
        const p = 2 - ch;
        out[p * plane + o] = (v / 255 - mean[p]) / std[p];
      }
    }
  }
  return out;
}

/** The box of `region` and `margin` pixels around it, inside the photo: its corner and size. */
function cutOut(image: RgbImage, region: Region, margin: number): { x0: number; y0: number; width: number; height: number } {
  const x0 = Math.max(0, region.x - margin);
  const y0 = Math.max(0, region.y - margin);
  return { x0, y0, width: Math.min(image.width, region.x + region.width + margin) - x0, height: Math.min(image.height, region.y + region.height + margin) - y0 };
}

/**
 * The region cut from `image` smoothed by a 3 x 3 box filter (each pixel the mean of itself and
 * the neighbours inside the photo), with a margin of two pixels so that sampling at its ends sees
 * smoothed pixels too: the cut-out and the region's place in it. The same as smoothing the whole
 * photo, for a fraction of the work.
 */
export function smoothedRegion(image: RgbImage, region: Region): { image: RgbImage; region: Region } {
  const { x0, y0, width, height } = cutOut(image, region, 2);
  const data = new Uint8Array(3 * width * height);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const sx = x0 + x;
      const sy = y0 + y;
      for (let ch = 0; ch < 3; ch += 1) {
        let sum = 0;
        let count = 0;
        for (let ny = Math.max(0, sy - 1); ny <= Math.min(image.height - 1, sy + 1); ny += 1) {
          for (let nx = Math.max(0, sx - 1); nx <= Math.min(image.width - 1, sx + 1); nx += 1) {
            sum += image.data[(ny * image.width + nx) * 3 + ch];
            count += 1;
          }
        }
        data[(y * width + x) * 3 + ch] = sum / count;
      }
    }
  }
  return { image: { data, width, height }, region: { ...region, x: region.x - x0, y: region.y - y0 } };
}

/** How a re-read recolours the photo: grey (the channels averaged, as luma) or inverted (light on dark becomes dark on light). */
export type Recolouring = 'grey' | 'inverted';

/**
 * The region cut from `image` recoloured (see Recolouring), with a margin of one pixel so that
 * sampling at its ends sees recoloured pixels too: the cut-out and the region's place in it.
 * The same as recolouring the whole photo, for a fraction of the work.
 */
export function recolouredRegion(image: RgbImage, region: Region, recolouring: Recolouring): { image: RgbImage; region: Region } {
  const { x0, y0, width, height } = cutOut(image, region, 1);
  const data = new Uint8Array(3 * width * height);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const from = ((y0 + y) * image.width + x0 + x) * 3;
      const to = (y * width + x) * 3;
      if (recolouring === 'grey') {
        const luma = Math.round(0.299 * image.data[from] + 0.587 * image.data[from + 1] + 0.114 * image.data[from + 2]);
        data.fill(luma, to, to + 3);
      } else {
        for (let ch = 0; ch < 3; ch += 1) data[to + ch] = 255 - image.data[from + ch];
      }
    }
  }
  return { image: { data, width, height }, region: { ...region, x: region.x - x0, y: region.y - y0 } };
}

import sharp, { type Metadata, type Sharp } from 'sharp';
import { UnprocessableError } from '../../domain/shared/errors';

/** sharp refuses decompression bombs above this many pixels. */
export const MAX_INPUT_PIXELS = 40_000_000;

export const CORRUPT_PHOTO = 'photo could not be decoded (truncated or corrupt)';

/**
 * The photo's stored size, after checking it is a PNG or JPEG (the API contract): anything else
 * is a 422 naming the problem, never a 500.
 */
export async function readPhotoSize(image: Buffer): Promise<{ width: number; height: number }> {
  let metadata: Metadata;
  try {
    metadata = await sharp(image, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch {
    throw new UnprocessableError('photo is not a decodable PNG or JPEG');
  }
  if (metadata.format !== 'png' && metadata.format !== 'jpeg') {
    throw new UnprocessableError('photo must be a PNG or JPEG', { format: metadata.format ?? 'unknown' });
  }
  return { width: metadata.width ?? 0, height: metadata.height ?? 0 };
}

/** A decoding pipeline that fails on corrupt data and applies the EXIF orientation. */
export function openPhoto(image: Buffer): Sharp {
  return sharp(image, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).rotate();
}

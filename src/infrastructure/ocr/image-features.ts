import sharp from 'sharp';
import { UnprocessableError } from '../../domain/shared/errors';
import { IMAGE_FEATURES_SIZE, type ImageFeatures, greyImageFeatures } from '../../ml/image-features';
import type { ImageFeatureReader } from '../../ports/image-features.port';

/** Decodes with sharp into the small grey image the features are computed from (`ml/image-features.ts`). */
export async function computeImageFeatures(image: Buffer): Promise<ImageFeatures> {
  let width: number;
  let height: number;
  let pixels: Uint8Array;
  try {
    const meta = await sharp(image).metadata();
    if (meta.format !== 'png' && meta.format !== 'jpeg') throw new Error('format');
    width = meta.width ?? 1;
    height = meta.height ?? 1;
    const raw = await sharp(image).rotate().grayscale().resize(IMAGE_FEATURES_SIZE, IMAGE_FEATURES_SIZE, { fit: 'fill' }).extractChannel(0).raw().toBuffer();
    pixels = new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
  } catch {
    throw new UnprocessableError('photo is not a decodable PNG or JPEG');
  }
  return greyImageFeatures(pixels, width, height);
}

/** The IMAGE_FEATURES port over sharp. */
export class SharpImageFeatures implements ImageFeatureReader {
  compute(image: Buffer): Promise<ImageFeatures> {
    return computeImageFeatures(image);
  }
}
